"""The demo letter in the site's other languages, translated from letter.py: the same
facts, the same demands in the same order."""

TRANSLATIONS = {
    "fr": {
        "title": "Interdire la surveillance biométrique de masse",
        "addressee": (
            "Au ministre de l'Intérieur du Royaume-Uni, aux parlementaires et aux gouvernements du monde entier"
        ),
        "summary": (
            "Des empreintes digitales contrôlées au bord de la route et comparées aux fichiers de "
            "l'immigration, des montres à reconnaissance faciale pour les personnes migrantes, une "
            "plateforme nationale qui relie les fichiers de la police, des permis de conduire et de "
            "l'asile : la surveillance biométrique progresse plus vite que toute règle capable de la "
            "contenir. Nous demandons son interdiction."
        ),
        "body": """\
Nous sommes des organisations de la société civile, des chercheuses et des chercheurs, des
citoyennes et des citoyens. Nous vous écrivons parce que la surveillance biométrique s'installe
dans le travail quotidien de la police et dans le contrôle de l'immigration, un contrat et une
expérimentation après l'autre, avec peu de débat et encore moins de contrôle.

**Dans la rue.** Selon une enquête de Liberty, au moins 22 des 43 forces de police d'Angleterre
et du pays de Galles ont utilisé, ou utilisent encore, des lecteurs d'empreintes portatifs qui
comparent sur-le-champ les personnes contrôlées aux fichiers de l'immigration et de l'asile.
Depuis février 2018, ces contrôles ont produit plus de 4 350 correspondances, mais la police
n'enregistre pas pourquoi une personne a été contrôlée. En moins de 18 mois, la Metropolitan
Police de Londres a scanné à elle seule 21 600 personnes. Quand signaler un délit peut mener à
un contrôle d'immigration, les victimes et les témoins se taisent, et personne n'est plus en
sécurité.

**Au poignet.** Le ministère de l'Intérieur britannique (Home Office) a prévu d'obliger des
ressortissants étrangers condamnés pour des infractions pénales à porter des montres connectées
qui leur demandent de photographier leur visage jusqu'à cinq fois par jour, pendant que leur
position est suivie jour et nuit. Les données pourront être conservées six ans et partagées
avec le ministère de la Justice et la police. Le contrat avec le fournisseur, Buddi, peut
atteindre 6 millions de livres.

**Dans les fichiers.** Le Home Office a prolongé de 7 millions de livres, sans mise en
concurrence, le contrat d'IBM pour le Law Enforcement Data Service. Cette plateforme doit réunir
le Police National Computer, la Police National Database, les fichiers de la DVLA (l'agence des
permis de conduire) et l'Immigration and Asylum Biometric System. Privacy International
avertit qu'elle donne accès à des données sur environ 12,6 millions de personnes, alors que le
programme entier devrait coûter 469 millions de livres.

**Dans le monde.** Plus de 30 organisations réunies par Fight for the Future demandent
l'interdiction pure et simple de la reconnaissance faciale par la police aux États-Unis, où
Oakland, San Francisco et Somerville l'interdisent déjà. En juin 2021, Access Now et plus de
175 organisations, militants et chercheurs ont réclamé l'interdiction mondiale de la
reconnaissance faciale et biométrique à distance qui permet une surveillance de masse ou
discriminatoire dans les espaces accessibles au public.

On ne change pas de visage ni d'empreintes comme on change de mot de passe. Une fois qu'une
société a construit la machine à identifier n'importe qui, n'importe où, elle s'en sert
d'abord contre celles et ceux qui ont le moins de pouvoir pour s'y opposer. Nous vous demandons
d'y mettre fin dès maintenant.
""",
        "demands": [
            "Interdire la reconnaissance faciale et toute autre identification biométrique à distance "
            "dans les espaces accessibles au public, aux administrations comme aux entreprises privées.",
            "Empêcher les policiers de comparer les empreintes digitales des personnes aux fichiers de "
            "l'immigration et de l'asile, et tenir le contrôle de l'immigration à l'écart du travail "
            "quotidien de la police.",
            "Mettre fin à la surveillance électronique des personnes migrantes par des appareils de "
            "reconnaissance faciale et de géolocalisation.",
            "Suspendre l'investissement public dans la surveillance biométrique, y compris les nouvelles "
            "connexions entre les fichiers de la police, de l'immigration et des permis de conduire, "
            "tant que le Parlement n'en a pas débattu et n'a pas légiféré.",
            "Effacer les images biométriques conservées illégalement, et publier chaque déploiement, "
            "chaque contrat et chaque étude d'impact pour que le public puisse les examiner.",
        ],
    },
    "de": {
        "title": "Biometrische Massenüberwachung verbieten",
        "addressee": "An den britischen Innenminister, die Abgeordneten des Parlaments und Regierungen in aller Welt",
        "summary": (
            "Fingerabdruckkontrollen am Straßenrand, abgeglichen mit Einwanderungsdateien, Uhren mit "
            "Gesichtsscan für Migrantinnen und Migranten und eine nationale Datenplattform, die "
            "Polizei-, Führerschein- und Asyldaten zusammenführt: Biometrische Überwachung breitet sich "
            "schneller aus als jede Regel, die sie aufhalten könnte. Wir fordern ein Verbot."
        ),
        "body": """\
Wir sind zivilgesellschaftliche Organisationen, Forschende und Bürgerinnen und Bürger. Wir
schreiben Ihnen, weil biometrische Überwachung in die alltägliche Polizeiarbeit und die
Einwanderungskontrolle eingebaut wird, Vertrag um Vertrag und Pilotprojekt um Pilotprojekt,
mit wenig Debatte und noch weniger Rechenschaft.

**Auf der Straße.** Recherchen von Liberty zufolge haben mindestens 22 der 43 Polizeibehörden
in England und Wales mobile Fingerabdruckscanner eingesetzt oder setzen sie noch ein, die
Menschen an Ort und Stelle mit Einwanderungs- und Asyldateien abgleichen. Seit Februar 2018
haben diese Kontrollen mehr als 4.350 Treffer ergeben, doch die Polizei hält nicht fest,
warum jemand angehalten wurde. Allein die Londoner Metropolitan Police hat in weniger als
18 Monaten 21.600 Menschen gescannt. Wenn die Anzeige einer Straftat zu einer
Einwanderungskontrolle führen kann, schweigen Opfer und Zeugen, und alle sind weniger sicher.

**Am Handgelenk.** Das britische Innenministerium (Home Office) plante, ausländische
Staatsangehörige mit strafrechtlichen Verurteilungen zum Tragen von Smartwatches zu
verpflichten, die sie bis zu fünfmal am Tag auffordern, ihr Gesicht zu fotografieren, während
ihr Aufenthaltsort rund um die Uhr verfolgt wird. Die Daten dürfen sechs Jahre lang gespeichert
und an das Justizministerium und die Polizei weitergegeben werden. Der Vertrag mit dem Anbieter
Buddi ist bis zu 6 Millionen Pfund wert.

**In der Datenbank.** Das Home Office hat den Vertrag mit IBM für den Law Enforcement Data
Service ohne Ausschreibung um 7 Millionen Pfund verlängert. Die Plattform soll den Police
National Computer, die Police National Database, die Daten der Führerscheinbehörde DVLA und das
Immigration and Asylum Biometric System zusammenführen. Privacy International warnt, dass sie
Daten von rund 12,6 Millionen Menschen erreicht; das gesamte Programm soll 469 Millionen Pfund
kosten.

**Weltweit.** Mehr als 30 Organisationen unter der Führung von Fight for the Future fordern, der
Polizei in den Vereinigten Staaten die Gesichtserkennung ganz zu verbieten; Oakland,
San Francisco und Somerville haben sie bereits untersagt. Im Juni 2021 forderten Access Now und
mehr als 175 Organisationen, Aktive und Forschende ein weltweites Verbot von Gesichtserkennung
und biometrischer Fernerkennung, die Massenüberwachung oder diskriminierende Überwachung in
öffentlich zugänglichen Räumen ermöglichen.

Gesichter und Fingerabdrücke lassen sich nicht ändern wie ein Passwort. Hat eine Gesellschaft
erst die Maschinerie gebaut, um jeden überall zu erkennen, richtet sie sich zuerst gegen
diejenigen, die sich am wenigsten wehren können. Wir fordern Sie auf, sie jetzt zu stoppen.
""",
        "demands": [
            "Gesichtserkennung und andere biometrische Fernidentifizierung in öffentlich zugänglichen "
            "Räumen verbieten, für Behörden ebenso wie für private Unternehmen.",
            "Der Polizei untersagen, Fingerabdrücke mit Einwanderungs- und Asyldatenbanken abzugleichen, "
            "und die Durchsetzung des Einwanderungsrechts aus der alltäglichen Polizeiarbeit heraushalten.",
            "Die elektronische Überwachung von Migrantinnen und Migranten mit Gesichtsscannern und "
            "Standortverfolgung beenden.",
            "Öffentliche Investitionen in biometrische Überwachung stoppen, auch neue Verknüpfungen "
            "zwischen Polizei-, Einwanderungs- und Führerscheindatenbanken, bis das Parlament darüber "
            "beraten und ein Gesetz beschlossen hat.",
            "Unrechtmäßig gespeicherte biometrische Bilder löschen und jeden Einsatz, jeden Vertrag und "
            "jede Folgenabschätzung veröffentlichen, damit die Öffentlichkeit sie prüfen kann.",
        ],
    },
    "es": {
        "title": "Prohibir la vigilancia biométrica masiva",
        "addressee": (
            "Al ministro del Interior del Reino Unido, a los miembros del Parlamento y a los gobiernos de todo el mundo"
        ),
        "summary": (
            "Huellas dactilares cotejadas en plena calle con los registros de inmigración, relojes con "
            "reconocimiento facial para personas migrantes y una plataforma nacional que une los "
            "registros de la policía, de los permisos de conducir y del asilo: la vigilancia biométrica "
            "avanza más rápido que cualquier norma capaz de frenarla. Pedimos que se prohíba."
        ),
        "body": """\
Somos organizaciones de la sociedad civil, personas investigadoras y ciudadanía. Les escribimos
porque la vigilancia biométrica se está incorporando a la labor policial diaria y al control
migratorio, contrato a contrato y proyecto piloto a proyecto piloto, con poco debate y todavía
menos rendición de cuentas.

**En la calle.** Una investigación de Liberty reveló que al menos 22 de los 43 cuerpos de
policía de Inglaterra y Gales han usado, o siguen usando, lectores portátiles de huellas
dactilares que cotejan en el acto a las personas con los registros de inmigración y asilo.
Desde febrero de 2018, estos controles han dado más de 4.350 coincidencias, pero la policía no
registra por qué se paró a nadie. En menos de 18 meses, solo la Policía Metropolitana de Londres
escaneó a 21.600 personas. Cuando denunciar un delito puede acabar en un control migratorio,
las víctimas y los testigos callan, y todo el mundo está menos seguro.

**En la muñeca.** El Ministerio del Interior británico (Home Office) planeó obligar a personas
extranjeras con condenas penales a llevar relojes inteligentes que les piden fotografiarse la
cara hasta cinco veces al día, mientras su ubicación se sigue a todas horas. Los datos pueden
conservarse seis años y compartirse con el Ministerio de Justicia y la policía. El contrato con
el proveedor, Buddi, alcanza hasta 6 millones de libras.

**En la base de datos.** El Home Office amplió en 7 millones de libras, sin concurso público, el
contrato de IBM para el Law Enforcement Data Service. La plataforma debe reunir el Police
National Computer, la Police National Database, los registros de la DVLA (la autoridad de
permisos de conducir) y el Immigration and Asylum Biometric System. Privacy International
advierte de que alcanza datos de unos 12,6 millones de personas, y se prevé que el programa
completo cueste 469 millones de libras.

**En todo el mundo.** Más de 30 organizaciones encabezadas por Fight for the Future han pedido
que se prohíba por completo el uso policial del reconocimiento facial en Estados Unidos, donde
Oakland, San Francisco y Somerville ya lo prohíben. En junio de 2021, Access Now y más de 175
organizaciones, activistas e investigadores exigieron una prohibición mundial del
reconocimiento facial y biométrico a distancia que permite una vigilancia masiva o
discriminatoria en espacios de acceso público.

Una cara o una huella dactilar no se pueden cambiar como una contraseña. Cuando una sociedad
construye la maquinaria para identificar a cualquiera en cualquier lugar, la usa primero contra
quienes menos poder tienen para oponerse. Les pedimos que la detengan ahora.
""",
        "demands": [
            "Prohibir el reconocimiento facial y cualquier otra identificación biométrica a distancia "
            "en espacios de acceso público, tanto a organismos públicos como a empresas privadas.",
            "Impedir que la policía coteje las huellas dactilares de las personas con las bases de datos "
            "de inmigración y asilo, y mantener el control migratorio fuera de la labor policial diaria.",
            "Poner fin a la vigilancia electrónica de personas migrantes con dispositivos de "
            "reconocimiento facial y seguimiento de la ubicación.",
            "Detener la inversión pública en vigilancia biométrica, incluidas las nuevas conexiones "
            "entre las bases de datos de la policía, de inmigración y de permisos de conducir, hasta "
            "que el Parlamento haya debatido y legislado.",
            "Borrar las imágenes biométricas conservadas ilegalmente y publicar cada despliegue, "
            "contrato y evaluación de impacto para que la ciudadanía pueda examinarlos.",
        ],
    },
    "pt-br": {
        "title": "Proibir a vigilância biométrica em massa",
        "addressee": "Ao ministro do Interior do Reino Unido, aos membros do Parlamento e aos governos de todo o mundo",
        "summary": (
            "Impressões digitais conferidas na rua contra registros de imigração, relógios com "
            "reconhecimento facial para migrantes e uma plataforma nacional que junta registros da "
            "polícia, de habilitação de motoristas e de asilo: a vigilância biométrica avança mais "
            "rápido do que qualquer regra capaz de contê-la. Pedimos a sua proibição."
        ),
        "body": """\
Somos organizações da sociedade civil, pesquisadoras, pesquisadores e cidadãos. Escrevemos
porque a vigilância biométrica está sendo incorporada ao policiamento do dia a dia e ao
controle migratório, um contrato e um projeto-piloto de cada vez, com pouco debate e menos
prestação de contas ainda.

**Na rua.** Uma pesquisa da Liberty constatou que pelo menos 22 das 43 forças policiais da
Inglaterra e do País de Gales usaram, ou ainda usam, leitores portáteis de impressões digitais
que conferem as pessoas ali mesmo contra registros de imigração e asilo. Desde fevereiro de
2018, essas verificações produziram mais de 4.350 correspondências, mas a polícia não registra
por que alguém foi abordado. Em menos de 18 meses, só a Polícia Metropolitana de Londres
escaneou 21.600 pessoas. Quando denunciar um crime pode levar a uma verificação migratória,
vítimas e testemunhas se calam, e todos ficam menos seguros.

**No pulso.** O Ministério do Interior britânico (Home Office) planejou obrigar estrangeiros com
condenações criminais a usar relógios inteligentes que pedem que fotografem o próprio rosto até
cinco vezes por dia, enquanto sua localização é rastreada o tempo todo. Os dados podem ser
guardados por seis anos e compartilhados com o Ministério da Justiça e a polícia. O contrato
com a fornecedora, Buddi, vale até 6 milhões de libras.

**No banco de dados.** O Home Office prorrogou em 7 milhões de libras, sem licitação, o contrato
da IBM para o Law Enforcement Data Service. A plataforma deve reunir o Police National Computer,
a Police National Database, os registros da DVLA (o órgão britânico de habilitação) e o
Immigration and Asylum Biometric System. A Privacy International alerta que ela alcança dados
de cerca de 12,6 milhões de pessoas, e o programa inteiro deve custar 469 milhões de libras.

**No mundo.** Mais de 30 organizações lideradas pela Fight for the Future pedem a proibição
total do reconhecimento facial pela polícia nos Estados Unidos, onde Oakland, São Francisco e
Somerville já o proíbem. Em junho de 2021, a Access Now e mais de 175 organizações, ativistas e
pesquisadores exigiram a proibição mundial do reconhecimento facial e biométrico remoto que
permite vigilância em massa ou discriminatória em espaços de acesso público.

Rostos e impressões digitais não podem ser trocados como uma senha. Quando uma sociedade
constrói a máquina para identificar qualquer pessoa, em qualquer lugar, ela é usada primeiro
contra quem tem menos poder para se opor. Pedimos que vocês a detenham agora.
""",
        "demands": [
            "Proibir o reconhecimento facial e outras formas de identificação biométrica remota em "
            "espaços de acesso público, tanto por órgãos públicos quanto por empresas privadas.",
            "Impedir que policiais confiram as impressões digitais das pessoas em bancos de dados de "
            "imigração e asilo, e manter a fiscalização migratória fora do policiamento cotidiano.",
            "Acabar com o monitoramento eletrônico de migrantes por meio de dispositivos de "
            "reconhecimento facial e rastreamento de localização.",
            "Suspender o investimento público em vigilância biométrica, inclusive novas conexões entre "
            "bancos de dados da polícia, da imigração e de habilitação de motoristas, até que o "
            "Parlamento tenha debatido e legislado.",
            "Apagar as imagens biométricas mantidas ilegalmente e publicar cada uso, contrato e "
            "avaliação de impacto para que o público possa examiná-los.",
        ],
    },
}
