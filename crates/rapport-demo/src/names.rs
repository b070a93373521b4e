//! Who the candidates are: names from many cultures (with an ASCII form for addresses),
//! where they live, and the mail domains they use.

use super::clock::Tz;
use super::rng::Rng;

type Name = (&'static str, &'static str);

/// A naming culture. `last_f` is empty unless family names have a feminine form, in which
/// case it is parallel to `last`.
pub struct Culture {
    pub key: &'static str,
    pub weight: u32,
    pub male: &'static [Name],
    pub female: &'static [Name],
    pub last: &'static [Name],
    pub last_f: &'static [Name],
    /// Family name first ("李雷", "Nguyễn Thị Lan").
    pub family_first: bool,
    /// Between the two halves of the full name ("" for Chinese and Japanese).
    pub joiner: &'static str,
    /// Greet with the romanized given name ("Hi Lei") rather than the written one.
    pub greet_ascii: bool,
    /// Preferred language (en/de/fr/es).
    pub lang: &'static str,
    pub zones: &'static [Tz],
    pub domains: &'static [&'static str],
}

pub const CULTURES: &[Culture] = &[
    Culture {
        key: "en-gb",
        weight: 11,
        male: &[
            ("Oliver", "oliver"),
            ("Harry", "harry"),
            ("Jack", "jack"),
            ("George", "george"),
            ("Thomas", "thomas"),
            ("James", "james"),
            ("Samuel", "samuel"),
            ("Daniel", "daniel"),
            ("Callum", "callum"),
            ("Rhys", "rhys"),
        ],
        female: &[
            ("Emma", "emma"),
            ("Grace", "grace"),
            ("Sophie", "sophie"),
            ("Charlotte", "charlotte"),
            ("Hannah", "hannah"),
            ("Zoë", "zoe"),
            ("Amelia", "amelia"),
            ("Chloe", "chloe"),
            ("Lucy", "lucy"),
            ("Isla", "isla"),
        ],
        last: &[
            ("Smith", "smith"),
            ("Walker", "walker"),
            ("Bennett", "bennett"),
            ("O'Brien", "obrien"),
            ("Clarke", "clarke"),
            ("Hughes", "hughes"),
            ("Thompson", "thompson"),
            ("Reid", "reid"),
            ("Foster", "foster"),
            ("Brontë", "bronte"),
            ("Whitaker", "whitaker"),
            ("Marsh", "marsh"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::London, Tz::London, Tz::London, Tz::Dublin, Tz::Berlin],
        domains: &[
            "gmail.example",
            "outlook.example",
            "fastmail.example",
            "btinternet.example",
            "proton.example",
        ],
    },
    Culture {
        key: "en-us",
        weight: 6,
        male: &[
            ("Ethan", "ethan"),
            ("Noah", "noah"),
            ("Mason", "mason"),
            ("Caleb", "caleb"),
            ("Tyler", "tyler"),
            ("Marcus", "marcus"),
            ("Jordan", "jordan"),
        ],
        female: &[
            ("Madison", "madison"),
            ("Abigail", "abigail"),
            ("Harper", "harper"),
            ("Avery", "avery"),
            ("Brooke", "brooke"),
            ("Kayla", "kayla"),
            ("Renée", "renee"),
        ],
        last: &[
            ("Johnson", "johnson"),
            ("Miller", "miller"),
            ("Davis", "davis"),
            ("Anderson", "anderson"),
            ("Carter", "carter"),
            ("Brooks", "brooks"),
            ("Sullivan", "sullivan"),
            ("Kim", "kim"),
            ("Nguyen", "nguyen"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::NewYork, Tz::NewYork, Tz::Toronto, Tz::Berlin],
        domains: &[
            "gmail.example",
            "icloud.example",
            "outlook.example",
            "hey.example",
        ],
    },
    Culture {
        key: "de",
        weight: 16,
        male: &[
            ("Jürgen", "juergen"),
            ("Maximilian", "maximilian"),
            ("Lukas", "lukas"),
            ("Felix", "felix"),
            ("Jörg", "joerg"),
            ("Tobias", "tobias"),
            ("Florian", "florian"),
            ("Moritz", "moritz"),
            ("Sebastian", "sebastian"),
            ("Niklas", "niklas"),
        ],
        female: &[
            ("Lena", "lena"),
            ("Anna", "anna"),
            ("Katrin", "katrin"),
            ("Bärbel", "baerbel"),
            ("Jana", "jana"),
            ("Lea", "lea"),
            ("Franziska", "franziska"),
            ("Miriam", "miriam"),
            ("Sabine", "sabine"),
            ("Jule", "jule"),
        ],
        last: &[
            ("Müller", "mueller"),
            ("Schröder", "schroeder"),
            ("Weiß", "weiss"),
            ("Fischer", "fischer"),
            ("Becker", "becker"),
            ("Hoffmann", "hoffmann"),
            ("Krüger", "krueger"),
            ("Schäfer", "schaefer"),
            ("Wagner", "wagner"),
            ("Köhler", "koehler"),
            ("Groß", "gross"),
            ("Böhm", "boehm"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "de",
        zones: &[Tz::Berlin, Tz::Berlin, Tz::Berlin, Tz::Vienna, Tz::Zurich],
        domains: &[
            "gmx.example",
            "web.example",
            "posteo.example",
            "mailbox.example",
            "t-online.example",
            "gmail.example",
        ],
    },
    Culture {
        key: "fr",
        weight: 9,
        male: &[
            ("François", "francois"),
            ("Théo", "theo"),
            ("Mathieu", "mathieu"),
            ("Jérôme", "jerome"),
            ("Antoine", "antoine"),
            ("Rémi", "remi"),
            ("Benoît", "benoit"),
            ("Hugo", "hugo"),
        ],
        female: &[
            ("Chloé", "chloe"),
            ("Hélène", "helene"),
            ("Amélie", "amelie"),
            ("Léa", "lea"),
            ("Céline", "celine"),
            ("Camille", "camille"),
            ("Élodie", "elodie"),
            ("Margaux", "margaux"),
        ],
        last: &[
            ("Lefèvre", "lefevre"),
            ("Dubois", "dubois"),
            ("Bérenger", "berenger"),
            ("Girard", "girard"),
            ("Rousseau", "rousseau"),
            ("Leclerc", "leclerc"),
            ("Faure", "faure"),
            ("Brûlé", "brule"),
            ("Mercier", "mercier"),
            ("Laurent", "laurent"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "fr",
        zones: &[Tz::Paris, Tz::Paris, Tz::Brussels, Tz::Berlin],
        domains: &[
            "orange.example",
            "free.example",
            "laposte.example",
            "gmail.example",
            "proton.example",
        ],
    },
    Culture {
        key: "es",
        weight: 8,
        male: &[
            ("José", "jose"),
            ("Javier", "javier"),
            ("Álvaro", "alvaro"),
            ("Pablo", "pablo"),
            ("Néstor", "nestor"),
            ("Andrés", "andres"),
            ("Sergio", "sergio"),
        ],
        female: &[
            ("María", "maria"),
            ("Lucía", "lucia"),
            ("Carmen", "carmen"),
            ("Inés", "ines"),
            ("Sofía", "sofia"),
            ("Marta", "marta"),
            ("Begoña", "begona"),
        ],
        last: &[
            ("Álvarez", "alvarez"),
            ("García", "garcia"),
            ("Fernández", "fernandez"),
            ("Muñoz", "munoz"),
            ("Martínez", "martinez"),
            ("Rodríguez", "rodriguez"),
            ("Peña", "pena"),
            ("Sánchez", "sanchez"),
            ("Ibáñez", "ibanez"),
            ("Núñez", "nunez"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "es",
        zones: &[
            Tz::Madrid,
            Tz::Madrid,
            Tz::Madrid,
            Tz::MexicoCity,
            Tz::Berlin,
        ],
        domains: &[
            "gmail.example",
            "outlook.example",
            "telefonica.example",
            "proton.example",
        ],
    },
    Culture {
        key: "nordic",
        weight: 6,
        male: &[
            ("Søren", "soren"),
            ("Bjørn", "bjorn"),
            ("Mikkel", "mikkel"),
            ("Henrik", "henrik"),
            ("Lars", "lars"),
            ("Jens", "jens"),
        ],
        female: &[
            ("Åsa", "asa"),
            ("Ingrid", "ingrid"),
            ("Sigrid", "sigrid"),
            ("Astrid", "astrid"),
            ("Freja", "freja"),
            ("Maja", "maja"),
        ],
        last: &[
            ("Kierkegaard-Nielsen", "kierkegaard-nielsen"),
            ("Lindqvist", "lindqvist"),
            ("Åberg", "aberg"),
            ("Hansen", "hansen"),
            ("Jørgensen", "jorgensen"),
            ("Sørensen", "sorensen"),
            ("Bergström", "bergstrom"),
            ("Nyström", "nystrom"),
            ("Halvorsen", "halvorsen"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Copenhagen, Tz::Stockholm, Tz::Oslo, Tz::Berlin],
        domains: &[
            "gmail.example",
            "proton.example",
            "fastmail.example",
            "hey.example",
        ],
    },
    Culture {
        key: "pl",
        weight: 6,
        male: &[
            ("Łukasz", "lukasz"),
            ("Paweł", "pawel"),
            ("Krzysztof", "krzysztof"),
            ("Wojciech", "wojciech"),
            ("Michał", "michal"),
            ("Tomasz", "tomasz"),
        ],
        female: &[
            ("Agnieszka", "agnieszka"),
            ("Małgorzata", "malgorzata"),
            ("Zofia", "zofia"),
            ("Katarzyna", "katarzyna"),
            ("Magdalena", "magdalena"),
            ("Joanna", "joanna"),
        ],
        last: &[
            ("Wiśniewski", "wisniewski"),
            ("Kowalczyk", "kowalczyk"),
            ("Nowak", "nowak"),
            ("Wójcik", "wojcik"),
            ("Zieliński", "zielinski"),
            ("Lewandowski", "lewandowski"),
            ("Dąbrowski", "dabrowski"),
            ("Mazur", "mazur"),
        ],
        last_f: &[
            ("Wiśniewska", "wisniewska"),
            ("Kowalczyk", "kowalczyk"),
            ("Nowak", "nowak"),
            ("Wójcik", "wojcik"),
            ("Zielińska", "zielinska"),
            ("Lewandowska", "lewandowska"),
            ("Dąbrowska", "dabrowska"),
            ("Mazur", "mazur"),
        ],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Warsaw, Tz::Warsaw, Tz::Berlin],
        domains: &[
            "wp.example",
            "onet.example",
            "gmail.example",
            "proton.example",
        ],
    },
    Culture {
        key: "tr",
        weight: 4,
        male: &[
            ("Mehmet", "mehmet"),
            ("Emre", "emre"),
            ("Burak", "burak"),
            ("Oğuz", "oguz"),
            ("Can", "can"),
        ],
        female: &[
            ("Ayşe", "ayse"),
            ("Elif", "elif"),
            ("Zeynep", "zeynep"),
            ("Gülşen", "gulsen"),
            ("Deniz", "deniz"),
        ],
        last: &[
            ("Çelik", "celik"),
            ("Yılmaz", "yilmaz"),
            ("Şahin", "sahin"),
            ("Öztürk", "ozturk"),
            ("Aydın", "aydin"),
            ("Doğan", "dogan"),
            ("Kaya", "kaya"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Istanbul, Tz::Berlin, Tz::Berlin],
        domains: &["gmail.example", "outlook.example", "yandex.example"],
    },
    Culture {
        key: "vi",
        weight: 3,
        male: &[
            ("Văn Minh", "minh"),
            ("Quang Huy", "huy"),
            ("Đức Anh", "anh"),
            ("Văn Nam", "nam"),
        ],
        female: &[
            ("Thị Lan", "lan"),
            ("Thị Hoa", "hoa"),
            ("Ngọc Anh", "anh"),
            ("Thu Trang", "trang"),
        ],
        last: &[
            ("Nguyễn", "nguyen"),
            ("Trần", "tran"),
            ("Lê", "le"),
            ("Phạm", "pham"),
            ("Hoàng", "hoang"),
        ],
        last_f: &[],
        family_first: true,
        joiner: " ",
        greet_ascii: true,
        lang: "en",
        zones: &[Tz::HoChiMinh, Tz::Berlin, Tz::Berlin],
        domains: &["gmail.example", "outlook.example", "proton.example"],
    },
    Culture {
        key: "zh",
        weight: 4,
        male: &[
            ("雷", "lei"),
            ("伟", "wei"),
            ("强", "qiang"),
            ("浩然", "haoran"),
            ("子轩", "zixuan"),
        ],
        female: &[
            ("梅梅", "meimei"),
            ("芳", "fang"),
            ("静", "jing"),
            ("婷", "ting"),
            ("欣怡", "xinyi"),
        ],
        last: &[
            ("李", "li"),
            ("王", "wang"),
            ("张", "zhang"),
            ("刘", "liu"),
            ("陈", "chen"),
            ("韩", "han"),
            ("赵", "zhao"),
        ],
        last_f: &[],
        family_first: true,
        joiner: "",
        greet_ascii: true,
        lang: "en",
        zones: &[Tz::Shanghai, Tz::Berlin, Tz::London],
        domains: &[
            "qq.example",
            "163.example",
            "gmail.example",
            "outlook.example",
        ],
    },
    Culture {
        key: "ja",
        weight: 3,
        male: &[
            ("健", "ken"),
            ("一郎", "ichiro"),
            ("大輔", "daisuke"),
            ("翔太", "shota"),
        ],
        female: &[
            ("花子", "hanako"),
            ("美咲", "misaki"),
            ("陽菜", "hina"),
            ("由美", "yumi"),
        ],
        last: &[
            ("山田", "yamada"),
            ("佐藤", "sato"),
            ("鈴木", "suzuki"),
            ("高橋", "takahashi"),
            ("田中", "tanaka"),
            ("伊藤", "ito"),
        ],
        last_f: &[],
        family_first: true,
        joiner: "",
        greet_ascii: true,
        lang: "en",
        zones: &[Tz::Tokyo, Tz::Berlin],
        domains: &["gmail.example", "icloud.example", "docomo.example"],
    },
    Culture {
        key: "ru",
        weight: 4,
        male: &[
            ("Дмитрий", "dmitry"),
            ("Сергей", "sergey"),
            ("Алексей", "alexey"),
            ("Иван", "ivan"),
            ("Никита", "nikita"),
        ],
        female: &[
            ("Ольга", "olga"),
            ("Анна", "anna"),
            ("Екатерина", "ekaterina"),
            ("Мария", "maria"),
            ("Наталья", "natalia"),
        ],
        last: &[
            ("Петров", "petrov"),
            ("Иванов", "ivanov"),
            ("Смирнов", "smirnov"),
            ("Кузнецов", "kuznetsov"),
            ("Соколов", "sokolov"),
            ("Волков", "volkov"),
        ],
        last_f: &[
            ("Петрова", "petrova"),
            ("Иванова", "ivanova"),
            ("Смирнова", "smirnova"),
            ("Кузнецова", "kuznetsova"),
            ("Соколова", "sokolova"),
            ("Волкова", "volkova"),
        ],
        family_first: false,
        joiner: " ",
        greet_ascii: true,
        lang: "en",
        zones: &[Tz::Berlin, Tz::Moscow, Tz::Amsterdam],
        domains: &[
            "yandex.example",
            "mail-ru.example",
            "gmail.example",
            "proton.example",
        ],
    },
    Culture {
        key: "el",
        weight: 3,
        male: &[
            ("Αλέξης", "alexis"),
            ("Νίκος", "nikos"),
            ("Γιώργος", "giorgos"),
            ("Κώστας", "kostas"),
        ],
        female: &[
            ("Μαρία", "maria"),
            ("Ελένη", "eleni"),
            ("Σοφία", "sofia"),
            ("Κατερίνα", "katerina"),
        ],
        last: &[
            ("Παπαδόπουλος", "papadopoulos"),
            ("Γεωργίου", "georgiou"),
            ("Οικονόμου", "oikonomou"),
            ("Νικολάου", "nikolaou"),
            ("Παππάς", "pappas"),
        ],
        last_f: &[
            ("Παπαδοπούλου", "papadopoulou"),
            ("Γεωργίου", "georgiou"),
            ("Οικονόμου", "oikonomou"),
            ("Νικολάου", "nikolaou"),
            ("Παππά", "pappa"),
        ],
        family_first: false,
        joiner: " ",
        greet_ascii: true,
        lang: "en",
        zones: &[Tz::Athens, Tz::Berlin],
        domains: &["gmail.example", "otenet.example", "proton.example"],
    },
    Culture {
        key: "in",
        weight: 5,
        male: &[
            ("Arjun", "arjun"),
            ("Rohan", "rohan"),
            ("Vikram", "vikram"),
            ("Aditya", "aditya"),
            ("Karthik", "karthik"),
            ("Rahul", "rahul"),
        ],
        female: &[
            ("Priya", "priya"),
            ("Ananya", "ananya"),
            ("Divya", "divya"),
            ("Meera", "meera"),
            ("Kavya", "kavya"),
            ("Sneha", "sneha"),
        ],
        last: &[
            ("Raman", "raman"),
            ("Mehta", "mehta"),
            ("Iyer", "iyer"),
            ("Kapoor", "kapoor"),
            ("Sharma", "sharma"),
            ("Nair", "nair"),
            ("Reddy", "reddy"),
            ("Chatterjee", "chatterjee"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Kolkata, Tz::London, Tz::Berlin],
        domains: &["gmail.example", "outlook.example", "rediff.example"],
    },
    Culture {
        key: "pt",
        weight: 4,
        male: &[
            ("João", "joao"),
            ("Gonçalo", "goncalo"),
            ("Tiago", "tiago"),
            ("Rafael", "rafael"),
            ("Luís", "luis"),
        ],
        female: &[
            ("Beatriz", "beatriz"),
            ("Inês", "ines"),
            ("Mariana", "mariana"),
            ("Conceição", "conceicao"),
            ("Joana", "joana"),
        ],
        last: &[
            ("Gonçalves", "goncalves"),
            ("Araújo", "araujo"),
            ("Simões", "simoes"),
            ("Magalhães", "magalhaes"),
            ("Gomes", "gomes"),
            ("Pereira", "pereira"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "es",
        zones: &[Tz::Lisbon, Tz::SaoPaulo, Tz::Berlin],
        domains: &["gmail.example", "sapo.example", "outlook.example"],
    },
    Culture {
        key: "nl",
        weight: 4,
        male: &[
            ("Daan", "daan"),
            ("Sander", "sander"),
            ("Bram", "bram"),
            ("Joris", "joris"),
        ],
        female: &[
            ("Sanne", "sanne"),
            ("Fleur", "fleur"),
            ("Lotte", "lotte"),
            ("Anouk", "anouk"),
        ],
        last: &[
            ("de Vries", "devries"),
            ("van den Berg", "vandenberg"),
            ("Jansen", "jansen"),
            ("Bakker", "bakker"),
            ("Visser", "visser"),
            ("van Dijk", "vandijk"),
            ("Mulder", "mulder"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Amsterdam, Tz::Amsterdam, Tz::Berlin],
        domains: &[
            "gmail.example",
            "ziggo.example",
            "xs4all.example",
            "proton.example",
        ],
    },
    Culture {
        key: "cs",
        weight: 2,
        male: &[
            ("Tomáš", "tomas"),
            ("Jiří", "jiri"),
            ("Ondřej", "ondrej"),
            ("Petr", "petr"),
        ],
        female: &[
            ("Petra", "petra"),
            ("Lucie", "lucie"),
            ("Tereza", "tereza"),
            ("Kateřina", "katerina"),
        ],
        last: &[
            ("Dvořák", "dvorak"),
            ("Novák", "novak"),
            ("Černý", "cerny"),
            ("Procházka", "prochazka"),
            ("Kučera", "kucera"),
        ],
        last_f: &[
            ("Dvořáková", "dvorakova"),
            ("Nováková", "novakova"),
            ("Černá", "cerna"),
            ("Procházková", "prochazkova"),
            ("Kučerová", "kucerova"),
        ],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Prague, Tz::Berlin],
        domains: &["seznam.example", "gmail.example", "centrum.example"],
    },
    Culture {
        key: "ar",
        weight: 3,
        male: &[
            ("Youssef", "youssef"),
            ("Karim", "karim"),
            ("Omar", "omar"),
            ("Tarek", "tarek"),
            ("Samir", "samir"),
        ],
        female: &[
            ("Layla", "layla"),
            ("Amira", "amira"),
            ("Yasmin", "yasmin"),
            ("Nour", "nour"),
            ("Salma", "salma"),
        ],
        last: &[
            ("El Amrani", "elamrani"),
            ("Mansour", "mansour"),
            ("Khalil", "khalil"),
            ("Benali", "benali"),
            ("Saleh", "saleh"),
        ],
        last_f: &[],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "fr",
        zones: &[Tz::Paris, Tz::Berlin, Tz::London],
        domains: &["gmail.example", "outlook.example", "proton.example"],
    },
    Culture {
        key: "ie",
        weight: 2,
        male: &[("Seán", "sean"), ("Ciarán", "ciaran"), ("Oisín", "oisin")],
        female: &[
            ("Niamh", "niamh"),
            ("Siobhán", "siobhan"),
            ("Aoife", "aoife"),
        ],
        last: &[
            ("Ó Briain", "obriain"),
            ("Murphy", "murphy"),
            ("Kelly", "kelly"),
            ("O'Sullivan", "osullivan"),
            ("Byrne", "byrne"),
        ],
        last_f: &[
            ("Ní Bhriain", "nibhriain"),
            ("Murphy", "murphy"),
            ("Kelly", "kelly"),
            ("O'Sullivan", "osullivan"),
            ("Byrne", "byrne"),
        ],
        family_first: false,
        joiner: " ",
        greet_ascii: false,
        lang: "en",
        zones: &[Tz::Dublin, Tz::London],
        domains: &["gmail.example", "eircom.example", "outlook.example"],
    },
];

/// Employers' domains, used for work addresses.
pub const COMPANY_DOMAINS: &[&str] = &[
    "acme-analytics.example",
    "bluefin-software.example",
    "orbital-labs.example",
    "northstar-bank.example",
    "cobalt-games.example",
    "riverbend-health.example",
    "quantel-systems.example",
    "sparrow-logistics.example",
    "hexa-insurance.example",
    "vireo-media.example",
    "pinecone-retail.example",
    "atlas-mobility.example",
];

/// Names that must appear in the standard demo (the first candidates), as
/// (culture key, female, given name, family name).
pub const FEATURED: &[(&str, bool, &str, &str)] = &[
    ("es", false, "José", "Álvarez"),
    ("en-gb", true, "Zoë", "Brontë"),
    ("nordic", false, "Søren", "Kierkegaard-Nielsen"),
    ("pl", false, "Łukasz", "Wiśniewski"),
    ("de", false, "Jürgen", "Müller"),
    ("tr", true, "Ayşe", "Çelik"),
    ("vi", true, "Thị Lan", "Nguyễn"),
    ("zh", false, "雷", "李"),
    ("ja", true, "花子", "山田"),
    ("ru", true, "Ольга", "Петрова"),
    ("el", false, "Αλέξης", "Παπαδόπουλος"),
    ("fr", true, "Hélène", "Lefèvre"),
    ("zh", true, "梅梅", "韩"),
    ("de", true, "Bärbel", "Groß"),
];

/// A generated person.
#[derive(Debug, Clone)]
pub struct Person {
    pub full: String,
    /// How a recruiter greets them ("José", "Lei").
    pub greet: String,
    pub first_ascii: String,
    pub last_ascii: String,
    pub culture: usize,
    pub tz: Tz,
    pub lang: &'static str,
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn build(culture: usize, female: bool, first: usize, last: usize, tz: Tz) -> Person {
    let c = &CULTURES[culture];
    let (fd, fa) = if female {
        c.female[first]
    } else {
        c.male[first]
    };
    let (ld, la) = if female && !c.last_f.is_empty() {
        c.last_f[last]
    } else {
        c.last[last]
    };
    let full = if c.family_first {
        format!("{ld}{}{fd}", c.joiner)
    } else {
        format!("{fd}{}{ld}", c.joiner)
    };
    let greet = if c.greet_ascii {
        capitalize(fa)
    } else {
        fd.to_string()
    };
    Person {
        full,
        greet,
        first_ascii: fa.to_string(),
        last_ascii: la.to_string(),
        culture,
        tz,
        lang: c.lang,
    }
}

/// A random person.
pub fn random_identity(rng: &mut Rng) -> Person {
    let weights: Vec<u32> = CULTURES.iter().map(|c| c.weight).collect();
    let ci = rng.weighted(&weights);
    let c = &CULTURES[ci];
    let female = rng.chance(0.5);
    let first = rng.index(if female { c.female.len() } else { c.male.len() });
    let last = rng.index(c.last.len());
    let tz = *rng.pick(c.zones);
    build(ci, female, first, last, tz)
}

/// The `i`-th featured person.
pub fn featured_identity(i: usize, rng: &mut Rng) -> Person {
    let (key, female, first, last) = FEATURED[i];
    let ci = CULTURES.iter().position(|c| c.key == key).unwrap_or(0);
    let c = &CULTURES[ci];
    let firsts = if female { c.female } else { c.male };
    let fi = firsts.iter().position(|n| n.0 == first).unwrap_or(0);
    let lasts = if female && !c.last_f.is_empty() {
        c.last_f
    } else {
        c.last
    };
    let li = lasts.iter().position(|n| n.0 == last).unwrap_or(0);
    let tz = c.zones[0];
    let _ = rng;
    build(ci, female, fi, li, tz)
}

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A plausible local part for this person ("jose.alvarez", "lwisniewski", "hanako1991").
pub fn local_part(id: &Person, rng: &mut Rng) -> String {
    let f = clean(&id.first_ascii);
    let l = clean(&id.last_ascii);
    let initial = f.chars().next().unwrap_or('x');
    match rng.weighted(&[30, 12, 12, 8, 8, 6, 5, 4]) {
        0 => format!("{f}.{l}"),
        1 => format!("{f}{l}"),
        2 => format!("{initial}.{l}"),
        3 => format!("{f}_{l}"),
        4 => format!("{f}{}", rng.range(1975, 2001)),
        5 => format!("{l}.{f}"),
        6 => format!("{f}.{l}+jobs"),
        _ => format!("{initial}{l}"),
    }
}

/// The city a person in `tz` lives in.
pub fn city(tz: Tz, rng: &mut Rng) -> &'static str {
    let options: &[&str] = match tz {
        Tz::Berlin => &[
            "Berlin", "Berlin", "Hamburg", "Munich", "Leipzig", "Cologne",
        ],
        Tz::Paris => &["Paris", "Lyon", "Nantes"],
        Tz::Madrid => &["Madrid", "Barcelona", "Valencia"],
        Tz::Vienna => &["Vienna"],
        Tz::Zurich => &["Zurich"],
        Tz::Brussels => &["Brussels"],
        Tz::Amsterdam => &["Amsterdam", "Utrecht", "Rotterdam"],
        Tz::Copenhagen => &["Copenhagen", "Aarhus"],
        Tz::Stockholm => &["Stockholm", "Gothenburg"],
        Tz::Oslo => &["Oslo"],
        Tz::Warsaw => &["Warsaw", "Kraków", "Wrocław"],
        Tz::Prague => &["Prague", "Brno"],
        Tz::London => &["London", "London", "Manchester", "Bristol", "Edinburgh"],
        Tz::Dublin => &["Dublin", "Cork"],
        Tz::Lisbon => &["Lisbon", "Porto"],
        Tz::Athens => &["Athens", "Thessaloniki"],
        Tz::Istanbul => &["Istanbul", "Izmir"],
        Tz::Moscow => &["Moscow"],
        Tz::NewYork => &["New York", "Boston"],
        Tz::Toronto => &["Toronto"],
        Tz::SaoPaulo => &["São Paulo"],
        Tz::MexicoCity => &["Mexico City"],
        Tz::Kolkata => &["Bengaluru", "Pune", "Chennai"],
        Tz::Shanghai => &["Shanghai", "Shenzhen"],
        Tz::Tokyo => &["Tokyo", "Osaka"],
        Tz::HoChiMinh => &["Ho Chi Minh City", "Hanoi"],
    };
    rng.pick_str(options)
}

pub fn country(tz: Tz) -> &'static str {
    match tz {
        Tz::Berlin => "Germany",
        Tz::Paris => "France",
        Tz::Madrid => "Spain",
        Tz::Vienna => "Austria",
        Tz::Zurich => "Switzerland",
        Tz::Brussels => "Belgium",
        Tz::Amsterdam => "the Netherlands",
        Tz::Copenhagen => "Denmark",
        Tz::Stockholm => "Sweden",
        Tz::Oslo => "Norway",
        Tz::Warsaw => "Poland",
        Tz::Prague => "Czechia",
        Tz::London => "the UK",
        Tz::Dublin => "Ireland",
        Tz::Lisbon => "Portugal",
        Tz::Athens => "Greece",
        Tz::Istanbul => "Turkey",
        Tz::Moscow => "Russia",
        Tz::NewYork => "the US",
        Tz::Toronto => "Canada",
        Tz::SaoPaulo => "Brazil",
        Tz::MexicoCity => "Mexico",
        Tz::Kolkata => "India",
        Tz::Shanghai => "China",
        Tz::Tokyo => "Japan",
        Tz::HoChiMinh => "Vietnam",
    }
}

/// Whether someone living in `tz` can work in the EU without a visa (roughly).
pub fn in_eu(tz: Tz) -> bool {
    !matches!(
        tz,
        Tz::London
            | Tz::Zurich
            | Tz::Istanbul
            | Tz::Moscow
            | Tz::NewYork
            | Tz::Toronto
            | Tz::SaoPaulo
            | Tz::MexicoCity
            | Tz::Kolkata
            | Tz::Shanghai
            | Tz::Tokyo
            | Tz::HoChiMinh
            | Tz::Oslo
    )
}

fn country_code(tz: Tz) -> u32 {
    match tz {
        Tz::Berlin => 49,
        Tz::Paris => 33,
        Tz::Madrid => 34,
        Tz::Vienna => 43,
        Tz::Zurich => 41,
        Tz::Brussels => 32,
        Tz::Amsterdam => 31,
        Tz::Copenhagen => 45,
        Tz::Stockholm => 46,
        Tz::Oslo => 47,
        Tz::Warsaw => 48,
        Tz::Prague => 420,
        Tz::London => 44,
        Tz::Dublin => 353,
        Tz::Lisbon => 351,
        Tz::Athens => 30,
        Tz::Istanbul => 90,
        Tz::Moscow => 7,
        Tz::NewYork | Tz::Toronto => 1,
        Tz::SaoPaulo => 55,
        Tz::MexicoCity => 52,
        Tz::Kolkata => 91,
        Tz::Shanghai => 86,
        Tz::Tokyo => 81,
        Tz::HoChiMinh => 84,
    }
}

/// A phone number in the local format of `tz`.
pub fn phone(tz: Tz, rng: &mut Rng) -> String {
    match tz {
        Tz::Berlin => format!(
            "+49 15{} {} {}",
            rng.digits(1),
            rng.digits(4),
            rng.digits(4)
        ),
        Tz::London => format!("+44 7{} {}", rng.digits(3), rng.digits(6)),
        Tz::Paris => format!(
            "+33 6 {} {} {} {}",
            rng.digits(2),
            rng.digits(2),
            rng.digits(2),
            rng.digits(2)
        ),
        Tz::Madrid => format!("+34 6{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
        Tz::NewYork | Tz::Toronto => format!("+1 {} 555 {}", rng.range(201, 989), rng.digits(4)),
        Tz::Amsterdam => format!("+31 6 {} {}", rng.digits(4), rng.digits(4)),
        Tz::Warsaw => format!("+48 {} {} {}", rng.digits(3), rng.digits(3), rng.digits(3)),
        _ => format!("+{} {} {}", country_code(tz), rng.digits(3), rng.digits(7)),
    }
}
