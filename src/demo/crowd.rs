//! Many generated customers beside the demo's own (`--customers N`), for
//! benchmarks of the customers list, which sorts and searches on their
//! names, emails, sources, currencies and balances: company names from
//! word lists (distinct mostly, some repeated, some not in ASCII), legal
//! names for about half, imports from every source with external ids
//! unique per source, and about one customer in four with a few invoices,
//! some overdue, some paid.
//!
//! The summary triggers stay on: each customer has a handful of rows, so
//! the triggers' work is the same as a rebuild's, while `rebuild_summaries`
//! runs its statements once per customer (a quarter of a million of them).
//! The screen indexes stay too: they all start with the customer, and the
//! customers come in id order, so every row lands at their end.

use super::history::{Numbers, money};
use super::rng::{ALNUM, DIGITS, Rng};
use super::{HUBSPOT_PORTAL, SALESFORCE_DOMAIN};
use crate::domain::Currency;
use crate::domain::status::*;
use crate::store::Result;
use crate::store::seed::{AppliedFrom, NewCustomer, NewInvoice, NewPayment, Seeder};
use chrono::{Duration, NaiveDate};

/// What the crowd added.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub customers: u64,
    pub invoices: u64,
    pub payments: u64,
}

const FIRST: &[&str] = &[
    "Harbor",
    "Blue",
    "Northern",
    "Summit",
    "Cedar",
    "Granite",
    "Silver",
    "Red",
    "Golden",
    "Pacific",
    "Atlantic",
    "Prairie",
    "Maple",
    "Oak",
    "Pine",
    "River",
    "Lake",
    "Iron",
    "Copper",
    "Bright",
    "Clear",
    "Evergreen",
    "Highland",
    "Coastal",
    "Urban",
    "Metro",
    "Pioneer",
    "Liberty",
    "Eagle",
    "Falcon",
    "Fox",
    "Bear",
    "Wolf",
    "Orchard",
    "Meadow",
    "Stone",
    "Crescent",
    "Horizon",
    "Vertex",
    "Apex",
    "Nova",
    "Polar",
    "Sunrise",
    "Sunset",
    "Westward",
    "Eastgate",
    "Southern",
    "Central",
    "Union",
    "Capital",
    "Royal",
    "Crown",
    "Keystone",
    "Lighthouse",
    "Anchor",
    "Beacon",
    "Riverside",
    "Hillside",
    "Lakeside",
    "Bayview",
    "Green",
    "Black",
    "White",
    "Grey",
    "Amber",
    "Jade",
    "Cobalt",
    "Crimson",
    "Indigo",
    "Scarlet",
    "Quantum",
    "Vector",
    "Signal",
    "Pinnacle",
    "Frontier",
    "Cascade",
    "Redwood",
    "Willow",
    "Aspen",
    "Birch",
    "Elm",
    "Juniper",
    "Sterling",
    "Bronze",
    "Lucky",
    "Happy",
    "Swift",
    "Noble",
];

const SECOND: &[&str] = &[
    "Fern", "Peak", "Ridge", "Valley", "Creek", "Point", "Bridge", "Gate", "Field", "Wood", "Brook", "Stone", "Rock",
    "Hill", "Harbor", "Bay", "Shore", "Star", "Sun", "Moon", "Cloud", "Wave", "Leaf", "Root", "Spring", "Forge",
    "Mill", "Works", "Path", "Trail", "Crest", "Haven", "Port", "Line", "Arc", "Loop", "Grove", "Park", "Square",
    "Tower", "Lantern", "Compass", "Key", "Wing", "Sail", "Pine", "Oak", "Sky", "Dune", "Mesa",
];

const TRADE: &[&str] = &[
    "Lumber",
    "Analytics",
    "Logistics",
    "Foods",
    "Systems",
    "Software",
    "Labs",
    "Freight",
    "Dental",
    "Clinic",
    "Consulting",
    "Partners",
    "Bakery",
    "Brewing",
    "Coffee",
    "Farms",
    "Energy",
    "Solar",
    "Robotics",
    "Media",
    "Studios",
    "Design",
    "Construction",
    "Builders",
    "Plumbing",
    "Electric",
    "Motors",
    "Auto Parts",
    "Marine",
    "Aviation",
    "Pharmacy",
    "Health",
    "Fitness",
    "Outfitters",
    "Apparel",
    "Textiles",
    "Printing",
    "Packaging",
    "Supply",
    "Hardware",
    "Tools",
    "Instruments",
    "Capital",
    "Insurance",
    "Realty",
    "Properties",
    "Hospitality",
    "Catering",
    "Events",
    "Travel",
    "Education",
    "Academy",
    "Veterinary",
    "Landscaping",
    "Cleaning",
    "Security",
    "Networks",
    "Telecom",
    "Data",
    "Cloud",
    "Biotech",
    "Chemicals",
    "Plastics",
    "Metals",
    "Steel",
    "Glass",
    "Furniture",
    "Interiors",
    "Wine",
    "Spirits",
    "Seafood",
    "Dairy",
    "Produce",
    "Distribution",
    "Imports",
    "Trading",
];

/// Company endings: the name's, and the legal name's when the name has one
/// (" Pty Ltd" before " Ltd": the first that ends a name is its ending).
const ENDINGS: &[(&str, &str)] = &[
    ("", ""),
    ("", ""),
    ("", ""),
    (" Co", " Company"),
    (" Inc", ", Inc."),
    (" LLC", " LLC"),
    (" Pty Ltd", " Pty Ltd"),
    (" Ltd", " Limited"),
    (" Group", " Group Holdings, Inc."),
    (" Corp", " Corporation"),
    (" & Sons", " & Sons, Inc."),
    (" GmbH", " GmbH"),
    (" BV", " B.V."),
    (" SA", " S.A."),
];

/// Family names for "Becker Plumbing", "Okafor & Sons".
const FAMILY: &[&str] = &[
    "Anderson",
    "Becker",
    "Carter",
    "Dubois",
    "Evans",
    "Fischer",
    "García",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Morgan",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Underwood",
    "Varga",
    "Walsh",
    "Xu",
    "Young",
    "Zimmerman",
    "O'Brien",
    "McAllister",
    "de la Cruz",
    "van der Berg",
];

/// Names in other scripts and with accents, each with the ASCII form its
/// email domain uses.
const GERMAN: &[(&str, &str)] = &[
    ("Müller", "mueller"),
    ("Schäfer", "schaefer"),
    ("Köhler", "koehler"),
    ("Weiß", "weiss"),
    ("Jäger", "jaeger"),
    ("Krüger", "krueger"),
    ("Böhm", "boehm"),
    ("Großmann", "grossmann"),
    ("Günther", "guenther"),
    ("Löwe", "loewe"),
];
const GERMAN_TRADE: &[(&str, &str)] = &[
    ("Feinkost", "feinkost"),
    ("Maschinenbau", "maschinenbau"),
    ("Logistik", "logistik"),
    ("Holzbau", "holzbau"),
    ("Elektrotechnik", "elektro"),
    ("Brauerei", "brauerei"),
    ("Bäckerei", "baeckerei"),
    ("Stahlbau", "stahlbau"),
];
const POLISH: &[(&str, &str)] = &[
    ("Żabka", "zabka"),
    ("Łódzkie", "lodzkie"),
    ("Gdańskie", "gdanskie"),
    ("Poznańskie", "poznanskie"),
    ("Śląskie", "slaskie"),
    ("Krakowskie", "krakowskie"),
    ("Wrocławskie", "wroclawskie"),
];
const POLISH_TRADE: &[(&str, &str)] = &[
    ("Dystrybucja", "dystrybucja"),
    ("Młyny", "mlyny"),
    ("Usługi", "uslugi"),
    ("Budownictwo", "budownictwo"),
    ("Przetwórstwo", "przetworstwo"),
    ("Zakłady Mięsne", "zaklady-miesne"),
];
const JAPANESE: &[(&str, &str)] = &[
    ("東京", "tokyo"),
    ("大阪", "osaka"),
    ("名古屋", "nagoya"),
    ("横浜", "yokohama"),
    ("京都", "kyoto"),
    ("札幌", "sapporo"),
    ("福岡", "fukuoka"),
    ("神戸", "kobe"),
];
const JAPANESE_TRADE: &[(&str, &str)] = &[
    ("精機", "seiki"),
    ("物産", "bussan"),
    ("商事", "shoji"),
    ("電機", "denki"),
    ("工業", "kogyo"),
    ("運輸", "unyu"),
    ("食品", "shokuhin"),
    ("建設", "kensetsu"),
];
const FRENCH: &[(&str, &str)] = &[
    ("Café Lumière", "cafe-lumiere"),
    ("Crêperie Éloïse", "creperie-eloise"),
    ("Boulangerie Hélène", "boulangerie-helene"),
    ("Société Générale d'Études", "sge-etudes"),
    ("Électricité Côte d'Azur", "electricite-cotedazur"),
    ("Pâtisserie Noël", "patisserie-noel"),
];
const NORDIC: &[(&str, &str)] = &[
    ("Øresund Shipping", "oresund-shipping"),
    ("Åkesson Bygg", "akesson-bygg"),
    ("Ærø Fiskeri", "aero-fiskeri"),
    ("Björk & Söner", "bjork-soner"),
    ("Hämeen Puu Oy", "hameen-puu"),
];
const SPANISH: &[(&str, &str)] = &[
    ("Panadería Núñez", "panaderia-nunez"),
    ("Construcciones Ibáñez", "construcciones-ibanez"),
    ("Viñedos Peña", "vinedos-pena"),
    ("Transportes Muñoz", "transportes-munoz"),
];

/// Branches that tell the firms of the lists above apart, now and then.
const CITIES: &[&str] = &[
    "Malmö",
    "Göteborg",
    "Århus",
    "Zürich",
    "Genève",
    "Köln",
    "Kraków",
    "Sevilla",
    "Málaga",
    "Lyon",
    "Besançon",
    "Tromsø",
    "Jyväskylä",
    "A Coruña",
];

/// Local parts of billing addresses.
const MAILBOXES: &[&str] = &["billing", "ap", "accounts", "invoices", "finance", "accounts.payable", "payables"];

/// A generated customer before it is written.
struct Generated {
    name: String,
    legal: String,
    email: String,
    currency: Currency,
    locale: Option<Currency>,
}

/// The splitmix64 finalizer: a bijection on u64, so distinct counters give
/// distinct ids that look random.
fn scramble(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `v` in base 62, eleven characters (enough for any u64): distinct values
/// give distinct strings.
fn base62(mut v: u64) -> String {
    let mut out = [b'0'; 11];
    for c in out.iter_mut().rev() {
        *c = ALNUM[(v % 62) as usize];
        v /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An external id and link for the crowd's `k`th customer, unique per
/// source: built on `k`, and shaped unlike the demo's own (`super::external`:
/// other lengths), so no id repeats within a source.
fn external(rng: &mut Rng, source: ImportSource, k: u64) -> (String, String) {
    match source {
        ImportSource::Stripe => {
            // 4 + 16 characters (the demo's: 4 + 14).
            let id = format!("cus_{}{}", rng.token(ALNUM, 5), base62(scramble(k)));
            let url = format!("https://dashboard.stripe.com/customers/{id}");
            (id, url)
        }
        ImportSource::QuickBooks => {
            // From 10000 (the demo's are below 3000), increasing as QuickBooks numbers them.
            let id = (10_000 + k).to_string();
            let url = format!("https://app.qbo.intuit.com/app/customerdetail?nameId={id}");
            (id, url)
        }
        ImportSource::HubSpot => {
            // Twelve digits (the demo's: eleven), increasing with gaps.
            let id = (200_000_000_000 + k * 37 + rng.range(0, 36) as u64).to_string();
            let url = format!("https://app.hubspot.com/contacts/{HUBSPOT_PORTAL}/company/{id}");
            (id, url)
        }
        ImportSource::Salesforce => {
            // The 15-character form (the demo's: 18).
            let id = format!("001{}{}", base62(scramble(k ^ 0x5A1E_5F0C)), rng.token(ALNUM, 1));
            let url = format!("https://{SALESFORCE_DOMAIN}.lightning.force.com/lightning/r/Account/{id}/view");
            (id, url)
        }
    }
}

/// An email domain's label from a name: lower-case ASCII letters and
/// digits, words joined by hyphens (accents folded, other letters dropped).
fn slug(words: &str) -> String {
    let mut out = String::with_capacity(words.len());
    for ch in words.chars() {
        let folded = match ch {
            'a'..='z' | '0'..='9' => Some(ch),
            'A'..='Z' => Some(ch.to_ascii_lowercase()),
            'á' | 'à' | 'â' | 'ä' | 'å' | 'ą' | 'Å' | 'Ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'É' => Some('e'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'ø' | 'Ø' | 'Ö' => Some('o'),
            'ú' | 'ù' | 'û' | 'ü' | 'Ü' => Some('u'),
            'ç' | 'ć' => Some('c'),
            'ñ' | 'ń' => Some('n'),
            'ł' | 'Ł' => Some('l'),
            'ś' | 'Ś' => Some('s'),
            'ż' | 'ź' | 'Ż' => Some('z'),
            _ => None,
        };
        match folded {
            Some(c) => out.push(c),
            // Words part with one hyphen, none at the start.
            None if (ch == ' ' || ch == '-') && !out.is_empty() && !out.ends_with('-') => out.push('-'),
            None => {}
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn cad() -> Currency {
    "CAD".parse().unwrap_or(Currency::USD)
}

/// Mostly dollars; some euros, pounds, Canadian dollars and yen.
fn currency(rng: &mut Rng) -> Currency {
    match rng.range(0, 99) {
        0..=71 => Currency::USD,
        72..=83 => Currency::EUR,
        84..=90 => Currency::GBP,
        91..=96 => cad(),
        _ => Currency::JPY,
    }
}

/// A company name, legal name and email domain label.
fn generated(rng: &mut Rng) -> Generated {
    let roll = rng.range(0, 999);
    let (name, legal_ending, domain, locale) = if roll < 30 {
        // About 3% in another language or script.
        match rng.range(0, 5) {
            0 => {
                let (a, da) = *rng.pick(GERMAN);
                let (b, db) = *rng.pick(GERMAN_TRADE);
                let kg = rng.chance(50);
                let name = format!("{a} {b}{}", if kg { " KG" } else { "" });
                (name, " GmbH & Co. KG", format!("{da}-{db}"), Some(Currency::EUR))
            }
            1 => {
                let (a, da) = *rng.pick(POLISH);
                let (b, db) = *rng.pick(POLISH_TRADE);
                (format!("{a} {b}"), " Sp. z o.o.", format!("{da}-{db}"), Some(Currency::EUR))
            }
            2 => {
                let (a, da) = *rng.pick(JAPANESE);
                let (b, db) = *rng.pick(JAPANESE_TRADE);
                (format!("{a}{b}"), "株式会社", format!("{da}-{db}"), Some(Currency::JPY))
            }
            k => {
                let (list, legal) = match k {
                    3 => (FRENCH, " SARL"),
                    4 => (NORDIC, " AB"),
                    _ => (SPANISH, " S.L."),
                };
                let (a, d) = *rng.pick(list);
                let name = match rng.chance(60) {
                    true => format!("{a} {}", rng.pick(CITIES)),
                    false => a.to_string(),
                };
                (name, legal, d.to_string(), Some(Currency::EUR))
            }
        }
    } else {
        let (ending, legal) = *rng.pick(ENDINGS);
        let stem = match rng.range(0, 9) {
            0..=3 => format!("{} {} {}", rng.pick(FIRST), rng.pick(SECOND), rng.pick(TRADE)),
            4..=5 => format!("{}{} {}", rng.pick(FIRST), rng.pick(SECOND).to_lowercase(), rng.pick(TRADE)),
            6 => format!("{} {}", rng.pick(FIRST), rng.pick(TRADE)),
            7 => format!("{} {}", rng.pick(FAMILY), rng.pick(TRADE)),
            8 => format!("{} & {}", rng.pick(FAMILY), rng.pick(FAMILY)),
            // Lower-case and digit starts sort apart from the rest.
            _ => match rng.range(0, 3) {
                0 => format!("e{}{}", rng.pick(SECOND), rng.pick(TRADE)),
                1 => format!("i{} {}", rng.pick(FIRST), rng.pick(TRADE)),
                2 => format!("{} {} {}", rng.range(1, 99) * 10 + 1, rng.pick(SECOND), rng.pick(TRADE)),
                _ => format!("{}/7 {}", rng.range(12, 24), rng.pick(TRADE)),
            },
        };
        let domain = slug(&stem);
        let legal = if legal.is_empty() { *rng.pick(&[" LLC", ", Inc.", " Ltd.", " Corporation"]) } else { legal };
        (format!("{stem}{ending}"), legal, domain, None)
    };
    let legal = if !rng.chance(50) {
        String::new()
    } else if legal_ending == "株式会社" {
        format!("{legal_ending}{name}")
    } else {
        let base = name.trim_end_matches(" KG");
        let base = ENDINGS
            .iter()
            .find(|(e, _)| !e.is_empty() && base.ends_with(e))
            .map_or(base, |(e, _)| &base[..base.len() - e.len()]);
        format!("{base}{legal_ending}")
    };
    let email = if rng.chance(3) {
        String::new()
    } else {
        let tld = match rng.range(0, 9) {
            0 => "example.net",
            1 => "example.org",
            _ => "example",
        };
        format!("{}@{domain}.{tld}", rng.pick(MAILBOXES))
    };
    let currency = match locale {
        Some(c) if rng.chance(80) => c,
        _ => currency(rng),
    };
    Generated { name, legal, email, currency, locale }
}

/// Adds `n` generated customers, a quarter of them with one to three
/// invoices in their currency, open or paid, some past due on `today`.
pub fn generate(s: &Seeder<'_>, numbers: &mut Numbers, n: u64, today: NaiveDate) -> Result<Counts> {
    // Its own stream: the crowd is the same whatever else the demo holds.
    let mut rng = Rng::new(0xC20D_5EED);
    let mut counts = Counts::default();
    for k in 0..n {
        let p = generated(&mut rng);
        let source = match rng.range(0, 99) {
            0..=39 => None,
            40..=64 => Some(ImportSource::Stripe),
            65..=79 => Some(ImportSource::QuickBooks),
            80..=91 => Some(ImportSource::HubSpot),
            _ => Some(ImportSource::Salesforce),
        };
        let ext = source.map(|src| (src, external(&mut rng, src, k)));
        let id = s.customer(&NewCustomer {
            name: &p.name,
            legal_name: &p.legal,
            billing_email: &p.email,
            currency: p.currency,
            import: ext.as_ref().map(|(src, (id, url))| (*src, id.as_str(), Some(url.as_str()))),
            invoices_paused: rng.chance(3),
            portal: rng.chance(5) || (p.locale.is_none() && source == Some(ImportSource::Stripe) && rng.chance(10)),
        })?;
        counts.customers += 1;
        if rng.chance(25) {
            let (invoices, payments) = billing(s, &mut rng, numbers, id, p.currency, today)?;
            counts.invoices += invoices;
            counts.payments += payments;
        }
    }
    Ok(counts)
}

/// One to three invoices for a customer: recent ones open, older ones open
/// and past due or paid in full, now and then one paid in part. Returns
/// (invoices, payments).
fn billing(
    s: &Seeder<'_>,
    rng: &mut Rng,
    numbers: &mut Numbers,
    customer_id: i64,
    currency: Currency,
    today: NaiveDate,
) -> Result<(u64, u64)> {
    let terms = *rng.pick(&[15, 30, 30, 30, 45, 60]);
    let mut counts = (0, 0);
    for _ in 0..rng.range(1, 3) {
        let issue = today - Duration::days(rng.range(0, 180));
        let due = issue + Duration::days(terms);
        let total = money(rng.range(40, 25_000), currency) + if currency.exponent() > 0 { rng.range(0, 99) } else { 0 };
        let age = (today - issue).num_days();
        let paid_on = (due + Duration::days(rng.range(-10, 20))).clamp(issue, today);
        let pay = if age > 20 && rng.chance(30) {
            Some((paid_on, total))
        } else if age > 10 && rng.chance(10) {
            Some(((issue + Duration::days(rng.range(3, 10))).min(today), total / 2))
        } else {
            None
        };
        let status = match pay {
            Some((_, amount)) if amount == total => InvoiceStatus::Paid,
            _ => InvoiceStatus::Open,
        };
        let number = numbers.take();
        let invoice = s.invoice(&NewInvoice {
            customer_id,
            contract_id: None,
            number: &number,
            issue_date: issue,
            due_date: due,
            period: None,
            currency,
            total_minor: total,
            status,
        })?;
        counts.0 += 1;
        if let Some((on, amount)) = pay.filter(|(_, a)| *a > 0) {
            let reference = if rng.chance(50) {
                format!("ch_{}", rng.token(ALNUM, 14))
            } else {
                format!("WIRE-{}", rng.token(DIGITS, 6))
            };
            let payment = s.payment(&NewPayment {
                customer_id,
                received_on: on,
                amount_minor: amount,
                refunded_minor: 0,
                currency,
                reference: &reference,
                status: PaymentStatus::Succeeded,
                method: if reference.starts_with("ch_") { PaymentMethod::Automatic } else { PaymentMethod::Manual },
            })?;
            s.apply(invoice, AppliedFrom::Payment(payment), amount, on)?;
            counts.1 += 1;
        }
    }
    Ok(counts)
}
