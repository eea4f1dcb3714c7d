"""The demo open letter, written for this project from the facts in the campaign's
source texts (docs/evidence-library.md, "Demo content", lists the sources)."""

SLUG = "ban-biometric-mass-surveillance"
TITLE = "Ban biometric mass surveillance"
ADDRESSEE = "The Home Secretary, Members of Parliament, and governments everywhere"
GOAL = 10000

SUMMARY = (
    "Fingerprint checks against immigration records at the roadside, face-scanning tags for "
    "migrants, and a national data platform that joins police, driving and asylum records: "
    "biometric surveillance is spreading faster than any rule that could hold it back. "
    "We ask for a ban."
)

BODY = """\
We are civil-society organisations, researchers and members of the public. We write because
biometric surveillance is being built into everyday policing and immigration control, one
contract and one pilot at a time, with little debate and less accountability.

**On the street.** Research by Liberty found that at least 22 of the 43 police forces in
England and Wales have used, or still use, handheld fingerprint scanners that check people on
the spot against immigration and asylum records. Since February 2018 these checks have
produced more than 4,350 matches, yet forces do not record why anyone was stopped. In under
18 months the Metropolitan Police alone scanned 21,600 people. When reporting a crime can
lead to an immigration check, victims and witnesses stay silent, and everyone is less safe.

**On the wrist.** The Home Office has planned to make foreign nationals with criminal
convictions wear smartwatches that ask them to photograph their faces up to five times a day,
while their location is tracked around the clock. The data may be kept for six years and
shared with the Ministry of Justice and the police. The contract with the supplier, Buddi,
is worth up to £6 million.

**In the database.** The Home Office extended IBM's contract for the Law Enforcement Data
Service by £7 million without competitive tender. The platform is meant to bring together the
Police National Computer, the Police National Database, the DVLA's records and the Immigration
and Asylum Biometric System. Privacy International warns that it reaches data on about 12.6
million people, while the whole programme is expected to cost £469 million.

**Around the world.** More than 30 organisations led by Fight for the Future have called for
police use of facial recognition to be banned outright in the United States, where Oakland,
San Francisco and Somerville already prohibit it. In June 2021 Access Now and over 175
organisations, activists and researchers demanded a global ban on facial and remote biometric
recognition that enables mass or discriminatory surveillance in publicly accessible spaces.

Faces and fingerprints cannot be changed like a password. Once a society builds the
machinery to identify anyone, anywhere, it will be used on those with the least power to
object first. We ask you to stop it now.
"""

DEMANDS = [
    "Ban the use of facial recognition and other remote biometric identification in publicly "
    "accessible spaces, by public bodies and private companies alike.",
    "Stop police officers from checking people's fingerprints against immigration and asylum "
    "databases, and keep immigration enforcement out of everyday policing.",
    "End the electronic monitoring of migrants with face-scanning devices and location tracking.",
    "Halt public investment in biometric surveillance, including new links between police, "
    "immigration and driving-licence databases, until Parliament has debated and legislated.",
    "Delete biometric images that are held unlawfully, and publish every deployment, contract "
    "and impact assessment so the public can scrutinise them.",
]

# Clearly marked demo signatories (is_demo=True), shown on the public wall.
DEMO_SIGNATURES = [
    ("Amara Okafor", "GB", "Cardiff"),
    ("Tomás Ferreira", "PT", "Lisbon"),
    ("Priya Raman", "IN", "Bengaluru"),
    ("Jonas Becker", "DE", "Berlin"),
    ("Léa Martin", "FR", "Lyon"),
    ("Sam O'Neill & Family", "IE", "Cork"),
    ("Yusuf Demir", "GB", "London"),
    ("Marta Kowalska", "PL", "Kraków"),
    ("Daniel Mensah", "GH", "Accra"),
    ("Ana Lucía Rojas", "CO", "Bogotá"),
    ("Hannah Levi", "US", "Somerville"),
    ("Kiri Walker", "NZ", "Wellington"),
]
