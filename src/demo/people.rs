//! Names, roles and subjects for demo contacts, audit lines and
//! collections conversations.

pub const FIRST: &[&str] = &[
    "Jane", "Sam", "Priya", "Marcus", "Elena", "Tomás", "Aiko", "Noah", "Fatima", "Lukas", "Grace", "Omar", "Chloé",
    "Daniel", "Mei", "Ravi", "Sofia", "Ethan", "Ingrid", "Kwame",
];

pub const LAST: &[&str] = &[
    "Doe", "Lee", "Patel", "Okafor", "Rossi", "García", "Tanaka", "Nguyen", "Haddad", "Becker", "O'Brien", "Silva",
    "Dubois", "Kowalski", "Chen", "Iyer", "Larsen", "Mensah", "Novak", "Walsh",
];

pub const ROLES: &[&str] =
    &["Accounts Payable", "Controller", "CFO", "Finance Manager", "Procurement", "Office Manager", "Bookkeeper"];

pub const SUBJECTS: &[&str] = &[
    "Payment reminder",
    "Invoice copy requested",
    "Remittance question",
    "Promise to pay",
    "Disputed line item",
    "Updated billing address",
    "Card declined",
    "Past-due notice",
];

pub const STAFF: &[&str] = &["maria", "jkim", "dpatel", "ops-bot"];

pub const CONTRACT_NAMES: &[&str] = &[
    "Platform subscription",
    "Support plan",
    "Annual license",
    "Managed services",
    "Data add-on",
    "Implementation",
    "Training workshop",
    "Hardware install",
];
