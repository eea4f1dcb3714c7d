"""The demo evidence library, written for this project from the facts in the campaign's
five source texts (news reports and press releases on UK police fingerprint scanners,
Home Office face-scanning smartwatches, the Home Office/IBM Law Enforcement Data Service,
and the coalitions of 30+ and 175+ organisations calling for bans).

Facts, figures, names, dates and outlets come from those texts; every sentence here is
our own. Where a source gives no date for something, we record none (or only the year the
text makes certain) rather than invent one. No original link is recorded where the texts
do not give one.
"""

from datetime import date

TOPICS = [
    ("immigration-enforcement", "Immigration enforcement"),
    ("policing", "Policing"),
    ("public-procurement", "Public procurement"),
    ("data-sharing", "Data sharing between agencies"),
    ("bans-and-moratoria", "Bans and moratoria"),
    ("civil-society", "Civil-society coalitions"),
    ("accuracy-and-bias", "Accuracy and discrimination"),
    ("regulation", "Law and regulation"),
]

TECHNOLOGIES = [
    ("mobile-fingerprint-scanning", "Mobile fingerprint scanning"),
    ("facial-recognition", "Facial recognition"),
    ("live-facial-recognition", "Live facial recognition"),
    ("electronic-monitoring", "Electronic monitoring and location tracking"),
    ("biometric-databases", "Biometric databases"),
    ("remote-biometric-identification", "Remote biometric identification"),
]

COUNTRIES = ["GB", "US", "IN", "BR", "NZ"]

# slug, name, kind, country, website
PUBLISHERS = [
    ("liberty", "Liberty", "ngo", "GB", "https://www.libertyhumanrights.org.uk/"),
    ("it-pro", "IT Pro", "outlet", "GB", "https://www.itpro.com/"),
    ("the-guardian", "The Guardian", "outlet", "GB", "https://www.theguardian.com/"),
    ("ns-tech", "NS Tech", "outlet", "GB", ""),
    ("biometric-update", "Biometric Update", "outlet", "", "https://www.biometricupdate.com/"),
    ("truthout", "Truthout", "outlet", "US", "https://truthout.org/"),
    ("access-now", "Access Now", "ngo", "", "https://www.accessnow.org/"),
    ("home-office", "Home Office", "government", "GB", "https://www.gov.uk/government/organisations/home-office"),
    ("privacy-international", "Privacy International", "ngo", "GB", "https://privacyinternational.org/"),
    ("ada-lovelace-institute", "Ada Lovelace Institute", "academic", "GB", "https://www.adalovelaceinstitute.org/"),
]

# slug, name, kind, country
ENTITIES = [
    ("home-office", "Home Office", "government", "GB"),
    ("ministry-of-justice", "Ministry of Justice", "government", "GB"),
    ("metropolitan-police-service", "Metropolitan Police Service", "police", "GB"),
    ("police-forces-england-wales", "Police forces of England and Wales", "police", "GB"),
    ("cardiff-police", "South Wales Police (Cardiff)", "police", "GB"),
    ("college-of-policing", "College of Policing", "regulator", "GB"),
    ("dvla", "Driver and Vehicle Licensing Agency (DVLA)", "government", "GB"),
    ("buddi-limited", "Buddi Limited", "company", "GB"),
    ("ibm", "IBM", "company", "US"),
    ("amazon", "Amazon", "company", "US"),
    ("microsoft", "Microsoft", "company", "US"),
    ("apple", "Apple", "company", "US"),
    ("chicago-police", "City of Chicago police", "police", "US"),
    ("us-city-police", "Police departments of Oakland, San Francisco and Somerville", "police", "US"),
    ("san-francisco", "City of San Francisco", "legislature", "US"),
    ("oakland", "City of Oakland", "legislature", "US"),
    ("somerville", "City of Somerville, Massachusetts", "legislature", "US"),
    ("liberty", "Liberty", "ngo", "GB"),
    ("privacy-international", "Privacy International", "ngo", "GB"),
    ("open-rights-group", "Open Rights Group", "ngo", "GB"),
    ("big-brother-watch", "Big Brother Watch", "ngo", "GB"),
    ("ada-lovelace-institute", "Ada Lovelace Institute", "academic", "GB"),
    ("birkbeck", "Birkbeck, University of London", "academic", "GB"),
    ("fight-for-the-future", "Fight for the Future", "ngo", "US"),
    ("pew-research-center", "Pew Research Center", "academic", "US"),
    ("access-now", "Access Now", "ngo", ""),
    ("amnesty-international", "Amnesty International", "ngo", ""),
    ("internet-freedom-foundation", "Internet Freedom Foundation India", "ngo", "IN"),
    ("edri", "European Digital Rights (EDRi)", "ngo", ""),
    ("idec", "Instituto Brasileiro de Defesa do Consumidor (IDEC)", "ngo", "BR"),
    ("human-rights-watch", "Human Rights Watch", "ngo", ""),
]

# Each document: our own title and summary. "date" is (date, precision) or None.
DOCUMENTS = [
    {
        "slug": "liberty-mobile-fingerprint-scanners-immigration-checks",
        "title": "Liberty research: police fingerprint scanners turn officers into border guards",
        "publisher": "liberty",
        "date": None,
        "doc_type": "ngo",
        "primary": True,
        "countries": ["GB"],
        "topics": ["immigration-enforcement", "policing", "data-sharing"],
        "technologies": ["mobile-fingerprint-scanning", "biometric-databases"],
        "entities": ["liberty", "police-forces-england-wales", "metropolitan-police-service", "home-office"],
        "summary": (
            "Liberty asked every police force in England and Wales about handheld fingerprint "
            "scanners. **At least 22 of the 43 forces** have used them or still do, and more plan "
            "to. Since **February 2018** officers have been able to check a person's prints on the "
            "spot against the Immigration and Asylum Biometric System as well as criminal records.\n\n"
            "The checks had produced **more than 4,350 matches** against immigration records, yet "
            "forces keep no note of why a person was stopped, and most do not count their scans. "
            "The Metropolitan Police did: it scanned **21,600 people in under 18 months** and "
            "found **more than 1,000** of them on the immigration and asylum database.\n\n"
            "Liberty's point is that people with an uncertain immigration status, and their "
            "families and friends, will stop reporting crimes if any contact with the police can "
            "become an immigration check, and that this leaves everyone less safe."
        ),
    },
    {
        "slug": "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        "title": "Home Office plans face-scanning smartwatches for foreign national offenders",
        "publisher": "it-pro",
        "date": (date(2022, 8, 1), "month"),
        "doc_type": "news",
        "primary": False,
        "countries": ["GB"],
        "topics": ["immigration-enforcement", "data-sharing", "accuracy-and-bias", "regulation"],
        "technologies": ["facial-recognition", "electronic-monitoring"],
        "entities": [
            "home-office",
            "ministry-of-justice",
            "metropolitan-police-service",
            "buddi-limited",
            "big-brother-watch",
            "ada-lovelace-institute",
            "birkbeck",
        ],
        "summary": (
            "IT Pro reports on the Home Office's plan to make migrants with criminal convictions "
            "wear smartwatches that ask them to take a photo of their face **up to five times a "
            "day**. Names, dates of birth, nationality and the face images are checked against a "
            "Home Office database, and the wearer's location is recorded all the time. The data "
            "may be kept for **six years** and shared with the Ministry of Justice and the police.\n\n"
            "The Ministry of Justice's contract with the supplier, **Buddi Limited**, is worth up "
            "to **£6 million** by 30 December 2023. For scale, Home Office figures show **2,809** "
            "foreign national offenders were returned from the UK in the year to June 2021.\n\n"
            "The piece also notes Big Brother Watch's finding that the Metropolitan Police's "
            "facial recognition was **87% inaccurate** between 2016 and 2022, the Met's face "
            "scanning of passengers at King's Cross in 2019, and the Ada Lovelace Institute's call "
            "for new biometrics legislation. Dr Monish Bhatia of Birkbeck questions whether any "
            "evidence shows such tagging is needed. Buddi declined to comment."
        ),
    },
    {
        "slug": "guardian-home-office-daily-monitoring-letter",
        "title": "Letter seen by the Guardian shows Home Office pressing on with daily face checks on migrants",
        "publisher": "the-guardian",
        "date": (date(2022, 1, 1), "year"),
        "doc_type": "news",
        "primary": False,
        "countries": ["GB"],
        "topics": ["immigration-enforcement", "regulation"],
        "technologies": ["facial-recognition", "electronic-monitoring"],
        "entities": ["home-office", "ministry-of-justice", "birkbeck"],
        "summary": (
            "The Guardian saw a Home Office letter showing that the department went ahead with "
            "plans for the daily monitoring of people subject to immigration control after "
            "completing a data protection impact assessment in **August 2021**. A criminologist "
            "at Birkbeck told the paper that the Home Office had not said how long people would "
            "stay on monitoring, nor shown that tags make anyone comply better with immigration "
            "rules."
        ),
    },
    {
        "slug": "ada-lovelace-institute-legal-review-biometrics",
        "title": "Independent legal review urges new law and an ethics board for biometrics",
        "publisher": "ada-lovelace-institute",
        "date": (date(2022, 6, 1), "month"),
        "doc_type": "ngo",
        "primary": True,
        "countries": ["GB"],
        "topics": ["regulation"],
        "technologies": ["facial-recognition", "biometric-databases"],
        "entities": ["ada-lovelace-institute"],
        "summary": (
            "An independent legal review commissioned by the Ada Lovelace Institute calls for "
            "urgent new legislation on the use of biometric data in the UK and for a biometrics "
            "ethics board. It came while the government's proposed Data Reform Bill sought to "
            "loosen consent rules, including for processing by police and criminal-justice bodies."
        ),
    },
    {
        "slug": "biometric-update-home-office-ibm-leds-contract",
        "title": "Home Office hands IBM a £7m extension to build the Law Enforcement Data Service",
        "publisher": "biometric-update",
        "date": (date(2020, 1, 1), "year"),
        "doc_type": "news",
        "primary": False,
        "countries": ["GB"],
        "topics": ["public-procurement", "data-sharing", "policing", "immigration-enforcement"],
        "technologies": ["biometric-databases", "facial-recognition"],
        "entities": [
            "home-office",
            "ibm",
            "privacy-international",
            "open-rights-group",
            "college-of-policing",
            "dvla",
            "metropolitan-police-service",
            "cardiff-police",
        ],
        "summary": (
            "Reporting NS Tech's story, Biometric Update describes a **£7 million** (about US$9.2 "
            "million) contract extension that lets IBM build an interface and platform for the "
            "National Law Enforcement Data Service (LEDS), matching against the Police National "
            "Database's biometric algorithm. It was awarded without a competitive tender, only "
            "months after IBM said in June that it would stop selling facial recognition to the "
            "police.\n\n"
            "LEDS is meant to join the Police National Computer, the Police National Database, "
            "the DVLA's records and the Immigration and Asylum Biometric System in one platform. "
            "Privacy International warns it opens data on about **12.6 million people** to quick "
            "searches, some of it inaccurate and some of the images unlawfully kept, and that "
            "migrants, refugees and ethnic minorities will bear the brunt. The Open Rights Group "
            "sees a chance for more accountable police information, and the College of Policing "
            "has drafted a code of practice. The programme is expected to cost **£469 million** "
            "and be finished in 2023. The Guardian counted **£1 billion** of Home Office contracts "
            "awarded without tender during the pandemic."
        ),
    },
    {
        "slug": "ns-tech-ibm-leds-extension",
        "title": "NS Tech: IBM's Law Enforcement Data Service contract extended without tender",
        "publisher": "ns-tech",
        "date": (date(2020, 1, 1), "year"),
        "doc_type": "investigation",
        "primary": False,
        "countries": ["GB"],
        "topics": ["public-procurement", "data-sharing", "policing"],
        "technologies": ["biometric-databases", "facial-recognition"],
        "entities": ["home-office", "ibm"],
        "summary": (
            "NS Tech found the award notice for the Home Office's extension of IBM's work on the "
            "Law Enforcement Data Service and reported that it was made without a competitive "
            "tender and described in little detail. It suggests the platform could later be "
            "combined with automatic facial recognition, and that the Home Office will put the "
            "rest of the project out to formal tender."
        ),
    },
    {
        "slug": "home-office-statement-leds",
        "title": "Home Office statement defending the Law Enforcement Data Service",
        "publisher": "home-office",
        "date": (date(2020, 1, 1), "year"),
        "doc_type": "press",
        "primary": True,
        "countries": ["GB"],
        "topics": ["policing", "data-sharing"],
        "technologies": ["biometric-databases"],
        "entities": ["home-office"],
        "summary": (
            "The Home Office's response to the reporting on LEDS: a spokesperson presents the "
            "service as a key tool against crime, promises strict controls that keep its use to "
            "protecting the public, and says the department has worked with civil society so that "
            "data use stays proportionate and respects privacy."
        ),
    },
    {
        "slug": "truthout-coalition-ban-police-facial-recognition",
        "title": "Over 30 groups led by Fight for the Future call for a ban on police facial recognition",
        "publisher": "truthout",
        "date": (date(2019, 9, 1), "month"),
        "doc_type": "news",
        "primary": False,
        "countries": ["US"],
        "topics": ["civil-society", "bans-and-moratoria", "policing"],
        "technologies": ["facial-recognition"],
        "entities": [
            "fight-for-the-future",
            "san-francisco",
            "oakland",
            "somerville",
            "chicago-police",
            "amazon",
            "apple",
            "microsoft",
            "pew-research-center",
        ],
        "summary": (
            "Truthout reports that **more than 30** civil-liberties organisations, led by Fight "
            "for the Future, will press local, state and federal governments to forbid any police "
            "use of facial recognition, likening the ban they want to the non-proliferation of "
            "nuclear and biological weapons.\n\n"
            "At the time dozens of US law-enforcement agencies, including Chicago's, already used "
            "the technology, and only **three cities**—Oakland, San Francisco and Somerville, "
            "Massachusetts—had banned police use. Pew Research Center found that most Americans "
            "accepted police use. Police in **more than 400** jurisdictions were seeking access to "
            "Amazon's Ring doorbell cameras, a reminder that a ban limited to the police could be "
            "sidestepped by buying data from private systems."
        ),
    },
    {
        "slug": "access-now-175-organisations-ban-biometric-surveillance",
        "title": "Access Now and over 175 organisations demand a global ban on biometric surveillance",
        "publisher": "access-now",
        "date": (date(2021, 6, 7), "day"),
        "doc_type": "press",
        "primary": True,
        "countries": ["GB", "US", "IN", "BR"],
        "topics": ["civil-society", "bans-and-moratoria", "regulation", "accuracy-and-bias"],
        "technologies": ["facial-recognition", "remote-biometric-identification"],
        "entities": [
            "access-now",
            "amnesty-international",
            "internet-freedom-foundation",
            "edri",
            "idec",
            "human-rights-watch",
            "amazon",
            "microsoft",
            "ibm",
        ],
        "summary": (
            "On **7 June 2021**, Access Now and **more than 175** civil-society organisations, "
            "activists and researchers worldwide called for facial recognition and remote "
            "biometric recognition to be banned wherever they enable mass or discriminatory "
            "targeted surveillance in publicly accessible spaces, whether used by governments, the "
            "police or private companies.\n\n"
            "The coalition asks governments to stop public spending on these uses and to prohibit "
            "them in law, asks companies to stop building and selling them, and asks investors to "
            "hold those companies to it. It notes that Amazon, Microsoft and IBM had already "
            "stepped back from selling facial recognition to the police. The letter was drafted "
            "by Access Now, Amnesty International, the Internet Freedom Foundation (India), EDRi, "
            "IDEC (Brazil) and Human Rights Watch; the press release was carried by Scoop in New "
            "Zealand."
        ),
    },
]

# slug, name, deployer, vendors, technologies, affected groups, place, country, summary
DEPLOYMENTS = [
    {
        "slug": "uk-police-mobile-fingerprint-immigration-checks",
        "name": "Police mobile fingerprint scanners checked against immigration databases",
        "deployer": "police-forces-england-wales",
        "vendors": ["home-office"],
        "technologies": ["mobile-fingerprint-scanning", "biometric-databases"],
        "affected": ["migrants", "people with uncertain immigration status", "victims and witnesses of crime"],
        "place": "England and Wales",
        "country": "GB",
        "summary": (
            "Handheld scanners let officers check a person's fingerprints in the street against "
            "criminal records and, since February 2018, the Immigration and Asylum Biometric "
            "System. At least 22 of the 43 forces in England and Wales have used them."
        ),
    },
    {
        "slug": "home-office-facial-recognition-smartwatches",
        "name": "Face-scanning smartwatches for people under immigration control",
        "deployer": "home-office",
        "vendors": ["buddi-limited"],
        "technologies": ["facial-recognition", "electronic-monitoring"],
        "affected": ["foreign national offenders", "people subject to immigration control"],
        "place": "United Kingdom",
        "country": "GB",
        "summary": (
            "Foreign nationals with criminal convictions would wear smartwatches that ask for a "
            "face photo up to five times a day and track their location constantly; the data may "
            "be kept six years and shared with the Ministry of Justice and police."
        ),
    },
    {
        "slug": "law-enforcement-data-service",
        "name": "Law Enforcement Data Service (LEDS)",
        "deployer": "home-office",
        "vendors": ["ibm"],
        "technologies": ["biometric-databases", "facial-recognition"],
        "affected": [
            "about 12.6 million people with police records",
            "migrants and asylum seekers",
            "ethnic minorities",
        ],
        "place": "United Kingdom",
        "country": "GB",
        "summary": (
            "A national platform joining the Police National Computer, the Police National "
            "Database, DVLA records and the Immigration and Asylum Biometric System, built with "
            "IBM; expected to cost £469 million."
        ),
    },
    {
        "slug": "metropolitan-police-facial-recognition",
        "name": "Metropolitan Police facial recognition",
        "deployer": "metropolitan-police-service",
        "vendors": [],
        "technologies": ["live-facial-recognition", "facial-recognition"],
        "affected": ["the public in London", "passengers at King's Cross"],
        "place": "London",
        "country": "GB",
        "summary": (
            "The Met's use of facial recognition, which Big Brother Watch found to be 87% "
            "inaccurate between 2016 and 2022, including face scanning at King's Cross in 2019."
        ),
    },
    {
        "slug": "us-city-police-facial-recognition",
        "name": "Police facial recognition in Oakland, San Francisco and Somerville",
        "deployer": "us-city-police",
        "vendors": [],
        "technologies": ["facial-recognition"],
        "affected": ["residents and visitors"],
        "place": "Oakland, San Francisco (California) and Somerville (Massachusetts)",
        "country": "US",
        "summary": ("Three US cities that had outlawed police use of facial recognition by September 2019."),
    },
    {
        "slug": "ibm-facial-recognition-for-police",
        "name": "IBM facial recognition sold to law enforcement",
        "deployer": "ibm",
        "vendors": [],
        "technologies": ["facial-recognition"],
        "affected": ["the public"],
        "place": "Worldwide",
        "country": "US",
        "summary": "IBM's sale of facial recognition and analysis software to police forces, stopped in June 2020.",
    },
]

# (document slug, deployment slug, relation)
LINKS = [
    (
        "liberty-mobile-fingerprint-scanners-immigration-checks",
        "uk-police-mobile-fingerprint-immigration-checks",
        "reports",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        "home-office-facial-recognition-smartwatches",
        "reports",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        "metropolitan-police-facial-recognition",
        "reports",
    ),
    ("guardian-home-office-daily-monitoring-letter", "home-office-facial-recognition-smartwatches", "reports"),
    ("biometric-update-home-office-ibm-leds-contract", "law-enforcement-data-service", "reports"),
    ("biometric-update-home-office-ibm-leds-contract", "ibm-facial-recognition-for-police", "reports"),
    ("ns-tech-ibm-leds-extension", "law-enforcement-data-service", "reports"),
    ("home-office-statement-leds", "law-enforcement-data-service", "official"),
    ("truthout-coalition-ban-police-facial-recognition", "us-city-police-facial-recognition", "reports"),
    ("access-now-175-organisations-ban-biometric-surveillance", "ibm-facial-recognition-for-police", "confirms"),
    ("ada-lovelace-institute-legal-review-biometrics", "metropolitan-police-facial-recognition", "reports"),
]

# (deployment slug, status, date, precision, note, document slug)
EVENTS = [
    (
        "uk-police-mobile-fingerprint-immigration-checks",
        "live",
        date(2018, 2, 1),
        "month",
        "Officers begin checking fingerprints in the street against immigration and asylum records.",
        "liberty-mobile-fingerprint-scanners-immigration-checks",
    ),
    (
        "home-office-facial-recognition-smartwatches",
        "proposed",
        date(2021, 8, 1),
        "month",
        "The Home Office completes a data protection impact assessment for daily monitoring.",
        "guardian-home-office-daily-monitoring-letter",
    ),
    (
        "home-office-facial-recognition-smartwatches",
        "proposed",
        date(2022, 8, 1),
        "month",
        "The plan is reported, with a Ministry of Justice contract with Buddi worth up to £6m "
        "running to 30 December 2023.",
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
    ),
    (
        "law-enforcement-data-service",
        "proposed",
        date(2020, 1, 1),
        "year",
        "IBM's contract is extended by £7m without competitive tender; operation planned from the end of 2020.",
        "ns-tech-ibm-leds-extension",
    ),
    (
        "law-enforcement-data-service",
        "proposed",
        date(2020, 1, 1),
        "year",
        "The Home Office defends the service and promises strict controls.",
        "home-office-statement-leds",
    ),
    (
        "metropolitan-police-facial-recognition",
        "live",
        date(2016, 1, 1),
        "year",
        "First year of the period over which Big Brother Watch measured the Met's matches as 87% inaccurate.",
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
    ),
    (
        "metropolitan-police-facial-recognition",
        "live",
        date(2019, 1, 1),
        "year",
        "Passengers at King's Cross are scanned with facial recognition.",
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
    ),
    (
        "us-city-police-facial-recognition",
        "banned",
        date(2019, 1, 1),
        "year",
        "Oakland, San Francisco and Somerville have each outlawed police use of facial recognition.",
        "truthout-coalition-ban-police-facial-recognition",
    ),
    (
        "ibm-facial-recognition-for-police",
        "ended",
        date(2020, 6, 1),
        "month",
        "IBM says it will no longer sell facial recognition and analysis software to law enforcement.",
        "biometric-update-home-office-ibm-leds-contract",
    ),
    (
        "ibm-facial-recognition-for-police",
        "ended",
        date(2021, 6, 7),
        "day",
        "The 175-organisation coalition notes that Amazon, Microsoft and IBM have stepped back from police sales.",
        "access-now-175-organisations-ban-biometric-surveillance",
    ),
]

# (document slug, value, as written, what it counts, as of (date, precision) or None, deployment slug)
FIGURES = [
    (
        "liberty-mobile-fingerprint-scanners-immigration-checks",
        22,
        "22 of 43",
        "police forces in England and Wales that use or have used mobile fingerprint scanners",
        None,
        "uk-police-mobile-fingerprint-immigration-checks",
    ),
    (
        "liberty-mobile-fingerprint-scanners-immigration-checks",
        4350,
        "more than 4,350",
        "matches against immigration databases from street fingerprint checks since February 2018",
        None,
        "uk-police-mobile-fingerprint-immigration-checks",
    ),
    (
        "liberty-mobile-fingerprint-scanners-immigration-checks",
        21600,
        "21,600",
        "people scanned by the Metropolitan Police in under 18 months",
        None,
        "uk-police-mobile-fingerprint-immigration-checks",
    ),
    (
        "liberty-mobile-fingerprint-scanners-immigration-checks",
        1000,
        "more than 1,000",
        "people the Metropolitan Police's scans found on the immigration and asylum database",
        None,
        "uk-police-mobile-fingerprint-immigration-checks",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        5,
        "up to 5",
        "face scans a day required of each smartwatch wearer",
        (date(2022, 8, 1), "month"),
        "home-office-facial-recognition-smartwatches",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        6,
        "6 years",
        "how long smartwatch data may be kept",
        (date(2022, 8, 1), "month"),
        "home-office-facial-recognition-smartwatches",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        6000000,
        "up to £6 million",
        "value of the Ministry of Justice's contract with Buddi Limited, to 30 December 2023",
        (date(2023, 12, 30), "day"),
        "home-office-facial-recognition-smartwatches",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        2809,
        "2,809",
        "foreign national offenders returned from the UK in the year to June 2021",
        (date(2021, 6, 1), "month"),
        "home-office-facial-recognition-smartwatches",
    ),
    (
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        87,
        "87%",
        "share of the Met's facial recognition matches that were wrong, 2016 to 2022 (Big Brother Watch)",
        (date(2022, 1, 1), "year"),
        "metropolitan-police-facial-recognition",
    ),
    (
        "biometric-update-home-office-ibm-leds-contract",
        7000000,
        "£7 million",
        "value of IBM's contract extension for the Law Enforcement Data Service",
        (date(2020, 1, 1), "year"),
        "law-enforcement-data-service",
    ),
    (
        "biometric-update-home-office-ibm-leds-contract",
        12600000,
        "about 12.6 million",
        "people whose records the Law Enforcement Data Service opens to search (Privacy International)",
        (date(2020, 1, 1), "year"),
        "law-enforcement-data-service",
    ),
    (
        "biometric-update-home-office-ibm-leds-contract",
        469000000,
        "£469 million",
        "expected total cost of the Law Enforcement Data Service",
        (date(2020, 1, 1), "year"),
        "law-enforcement-data-service",
    ),
    (
        "biometric-update-home-office-ibm-leds-contract",
        1000000000,
        "£1 billion",
        "Home Office spending on contracts awarded without competitive tender (the Guardian)",
        (date(2020, 1, 1), "year"),
        None,
    ),
    (
        "truthout-coalition-ban-police-facial-recognition",
        30,
        "more than 30",
        "civil-liberties organisations in the coalition for a ban on police facial recognition",
        (date(2019, 9, 1), "month"),
        None,
    ),
    (
        "truthout-coalition-ban-police-facial-recognition",
        3,
        "3",
        "US cities that had banned police facial recognition",
        (date(2019, 9, 1), "month"),
        "us-city-police-facial-recognition",
    ),
    (
        "truthout-coalition-ban-police-facial-recognition",
        400,
        "more than 400",
        "US police jurisdictions seeking access to Amazon Ring doorbell cameras",
        (date(2019, 9, 1), "month"),
        None,
    ),
    (
        "access-now-175-organisations-ban-biometric-surveillance",
        175,
        "more than 175",
        "organisations, activists and researchers calling for a global ban on biometric surveillance",
        (date(2021, 6, 7), "day"),
        None,
    ),
]

# slug, title, kind, date, precision, place, country, summary, deployment, documents
WINS = [
    (
        "san-francisco-bans-police-facial-recognition",
        "San Francisco bans police facial recognition",
        "ban",
        date(2019, 1, 1),
        "year",
        "San Francisco, California",
        "US",
        "The city forbids its police to use facial recognition.",
        "us-city-police-facial-recognition",
        ["truthout-coalition-ban-police-facial-recognition"],
    ),
    (
        "oakland-bans-police-facial-recognition",
        "Oakland bans police facial recognition",
        "ban",
        date(2019, 1, 1),
        "year",
        "Oakland, California",
        "US",
        "The city forbids its police to use facial recognition.",
        "us-city-police-facial-recognition",
        ["truthout-coalition-ban-police-facial-recognition"],
    ),
    (
        "somerville-bans-police-facial-recognition",
        "Somerville bans police facial recognition",
        "ban",
        date(2019, 1, 1),
        "year",
        "Somerville, Massachusetts",
        "US",
        "The city forbids its police to use facial recognition.",
        "us-city-police-facial-recognition",
        ["truthout-coalition-ban-police-facial-recognition"],
    ),
    (
        "ibm-stops-selling-facial-recognition-to-police",
        "IBM stops selling facial recognition to the police",
        "withdrawal",
        date(2020, 6, 1),
        "month",
        "",
        "US",
        "IBM announces it will no longer sell facial recognition or analysis software to law enforcement.",
        "ibm-facial-recognition-for-police",
        ["biometric-update-home-office-ibm-leds-contract", "access-now-175-organisations-ban-biometric-surveillance"],
    ),
]

# Demand position on the demo letter → documents it cites, in order.
CITATIONS = {
    1: ["access-now-175-organisations-ban-biometric-surveillance", "truthout-coalition-ban-police-facial-recognition"],
    2: ["liberty-mobile-fingerprint-scanners-immigration-checks"],
    3: [
        "itpro-home-office-smartwatch-facial-recognition-foreign-offenders",
        "guardian-home-office-daily-monitoring-letter",
    ],
    4: [
        "biometric-update-home-office-ibm-leds-contract",
        "ns-tech-ibm-leds-extension",
        "access-now-175-organisations-ban-biometric-surveillance",
    ],
    5: ["biometric-update-home-office-ibm-leds-contract", "ada-lovelace-institute-legal-review-biometrics"],
}
