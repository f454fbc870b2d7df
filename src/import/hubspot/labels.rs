//! The column labels of HubSpot's CSV exports. HubSpot writes property
//! LABELS in the exporting user's language, not internal names, so each
//! property ardesk reads has its label in every language listed here.
//!
//! Seen in real exports (public code that reads them): English; French
//! "ID de fiche d'informations", "Nom de l'entreprise", "Nom de domaine de
//! l'entreprise", "Numéro de téléphone"; Spanish "ID de registro",
//! "Nombre de la empresa"; German "Unternehmensname", "Domain-Name des
//! Unternehmens". The others follow HubSpot's translated property names.
//! Association columns ("Associated Company IDs") stay English in every
//! language; the local forms are accepted as well.

/// A language's labels.
pub(crate) struct Labels {
    pub lang: &'static str,
    pub record_id: &'static [&'static str],
    pub first_name: &'static [&'static str],
    pub last_name: &'static [&'static str],
    pub email: &'static [&'static str],
    pub phone: &'static [&'static str],
    pub mobile: &'static [&'static str],
    pub job_title: &'static [&'static str],
    pub company_name: &'static [&'static str],
    pub company_domain: &'static [&'static str],
    pub currency: &'static [&'static str],
    /// Objects ardesk does not import, by a column only they have.
    pub deal_name: &'static [&'static str],
    pub ticket_name: &'static [&'static str],
}

pub(crate) const LANGUAGES: &[Labels] = &[
    Labels {
        lang: "en",
        record_id: &["Record ID"],
        first_name: &["First Name"],
        last_name: &["Last Name"],
        email: &["Email"],
        phone: &["Phone Number"],
        mobile: &["Mobile Phone Number"],
        job_title: &["Job Title"],
        company_name: &["Company name"],
        company_domain: &["Company Domain Name"],
        currency: &["Currency"],
        deal_name: &["Deal Name"],
        ticket_name: &["Ticket name"],
    },
    Labels {
        lang: "de",
        record_id: &["Datensatz-ID"],
        first_name: &["Vorname"],
        last_name: &["Nachname"],
        email: &["E-Mail", "E-Mail-Adresse"],
        phone: &["Telefonnummer"],
        mobile: &["Mobiltelefonnummer"],
        job_title: &["Jobtitel", "Position"],
        company_name: &["Unternehmensname", "Name des Unternehmens"],
        company_domain: &["Domain-Name des Unternehmens"],
        currency: &["Währung"],
        deal_name: &["Deal-Name"],
        ticket_name: &["Ticket-Name"],
    },
    Labels {
        lang: "fr",
        record_id: &["ID de fiche d'informations"],
        first_name: &["Prénom"],
        last_name: &["Nom"],
        email: &["E-mail", "Adresse e-mail"],
        phone: &["Numéro de téléphone"],
        mobile: &["Numéro de téléphone portable"],
        job_title: &["Intitulé du poste", "Poste"],
        company_name: &["Nom de l'entreprise"],
        company_domain: &["Nom de domaine de l'entreprise"],
        currency: &["Devise"],
        deal_name: &["Nom de la transaction"],
        ticket_name: &["Nom du ticket"],
    },
    Labels {
        lang: "es",
        record_id: &["ID de registro"],
        first_name: &["Nombre"],
        last_name: &["Apellidos", "Apellido"],
        email: &["Correo", "Correo electrónico"],
        phone: &["Número de teléfono"],
        mobile: &["Número de teléfono móvil"],
        job_title: &["Cargo"],
        company_name: &["Nombre de la empresa"],
        company_domain: &["Nombre de dominio de la empresa"],
        currency: &["Moneda"],
        deal_name: &["Nombre del negocio"],
        ticket_name: &["Nombre del ticket"],
    },
    Labels {
        lang: "pt",
        record_id: &["ID do registro"],
        first_name: &["Nome"],
        last_name: &["Sobrenome", "Apelido"],
        email: &["E-mail"],
        phone: &["Número de telefone"],
        mobile: &["Número de celular", "Número de telemóvel"],
        job_title: &["Cargo"],
        company_name: &["Nome da empresa"],
        company_domain: &["Nome do domínio da empresa", "Domínio da empresa"],
        currency: &["Moeda"],
        deal_name: &["Nome do negócio"],
        ticket_name: &["Nome do ticket"],
    },
    Labels {
        lang: "nl",
        record_id: &["Record-ID", "Record ID"],
        first_name: &["Voornaam"],
        last_name: &["Achternaam"],
        email: &["E-mail", "E-mailadres"],
        phone: &["Telefoonnummer"],
        mobile: &["Mobiel telefoonnummer"],
        job_title: &["Functie", "Functietitel"],
        company_name: &["Bedrijfsnaam"],
        company_domain: &["Domeinnaam bedrijf", "Bedrijfsdomeinnaam"],
        currency: &["Valuta"],
        deal_name: &["Dealnaam"],
        ticket_name: &["Ticketnaam"],
    },
    Labels {
        lang: "it",
        record_id: &["ID record"],
        first_name: &["Nome"],
        last_name: &["Cognome"],
        email: &["E-mail", "Email"],
        phone: &["Numero di telefono"],
        mobile: &["Numero di cellulare"],
        job_title: &["Qualifica", "Titolo professionale"],
        company_name: &["Nome azienda", "Nome dell'azienda"],
        company_domain: &["Nome di dominio dell'azienda", "Dominio aziendale"],
        currency: &["Valuta"],
        deal_name: &["Nome trattativa"],
        ticket_name: &["Nome ticket"],
    },
    Labels {
        lang: "ja",
        record_id: &["レコードID"],
        first_name: &["名"],
        last_name: &["姓"],
        email: &["Eメール", "メール"],
        phone: &["電話番号"],
        mobile: &["携帯電話番号"],
        job_title: &["役職"],
        company_name: &["会社名"],
        company_domain: &["会社のドメイン名"],
        currency: &["通貨"],
        deal_name: &["取引名"],
        ticket_name: &["チケット名"],
    },
];

/// Association columns: the first company's id and name. The primary
/// association's columns (the contact property "Primary Associated Company
/// ID", newer exports' "(Primary)" columns) come first.
pub(crate) const COMPANY_IDS: &[&str] = &[
    "Primary Associated Company ID",
    "Associated Company IDs (Primary)",
    "Associated Company IDs",
    "Associated Company ID",
    "Zugeordnete Unternehmens-IDs",
    "ID d'entreprises associées",
    "ID de empresas asociadas",
    "IDs de empresas associadas",
    "Gekoppelde bedrijfs-ID's",
    "ID aziende associate",
    "関連付けられた会社のID",
];
pub(crate) const COMPANY_NAMES: &[&str] = &[
    "Associated Company (Primary)",
    "Associated Company",
    "Zugeordnetes Unternehmen",
    "Entreprise associée",
    "Empresa asociada",
    "Empresa associada",
    "Gekoppeld bedrijf",
    "Azienda associata",
    "関連付けられた会社",
];

/// Older exports keyed the file on the object's own id column.
pub(crate) const LEGACY_IDS: &[&str] = &["Contact ID", "Company ID"];

/// The language of a header whose first column is a record-id label.
pub(crate) fn language(header: &[String]) -> Option<&'static Labels> {
    let first = header.first()?;
    LANGUAGES.iter().find(|l| l.record_id.iter().any(|r| first.eq_ignore_ascii_case(r)))
}

/// The labels of one property: the file's language first, then every other.
pub(crate) fn labels(lang: Option<&'static Labels>, pick: fn(&Labels) -> &'static [&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = lang.map(|l| pick(l).to_vec()).unwrap_or_default();
    for l in LANGUAGES {
        out.extend(pick(l).iter().filter(|n| !out.contains(n)).copied().collect::<Vec<_>>());
    }
    out
}

/// Any of `names` among the header's columns.
pub(crate) fn any(header: &[String], names: &[&str]) -> bool {
    header.iter().any(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
}
