//! The Contacts tab.

use super::FieldKind::Text;
use super::{Column, Field, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::model::ContactRow;

type C = Column<ContactRow>;

impl Tabular for ContactRow {
    const TAB: Tab = Tab::Contacts;
    const TITLE: &'static str = "Contacts";
    const SHORT_TITLE: &'static str = "People";
    const EMPTY: &'static str = "No contacts yet.";
    const EXAMPLE: &'static str = "--filter 'role:billing' --format json";
    const DEFAULT_SORT: Sort = Sort { col: Col::CtName, desc: false };
    const COLUMNS: &'static [C] = &[
        C::new("Name", 20, |r, _| r.name.as_str().into())
            .key(Col::CtName)
            .filter(&[Field::new("name", Text)])
            .export(&[("name", |r| r.name.clone())]),
        C::new("Email", 24, |r, _| r.email.as_str().into())
            .fill()
            .key(Col::CtEmail)
            .filter(&[Field::new("email", Text)])
            .export(&[("email", |r| r.email.clone())]),
        C::new("Phone", 16, |r, _| r.phone.as_str().into())
            .priority(1)
            .key(Col::CtPhone)
            .filter(&[Field::new("phone", Text)])
            .export(&[("phone", |r| r.phone.clone())]),
        C::new("Role", 18, |r, _| r.role.as_str().into())
            .priority(2)
            .key(Col::CtRole)
            .filter(&[Field::new("role", Text)])
            .export(&[("role", |r| r.role.clone())]),
        C::new("Primary", 7, |r, _| if r.primary { "Primary" } else { "" }.into())
            .key(Col::CtPrimary)
            .export(&[("primary", |r| r.primary.to_string())]),
    ];
}
