//! `ardesk customers`: every customer, as JSON or as a table, written as it
//! is read (one customer at a time), so 100,000 customers take no more
//! memory than ten.

use super::customer_base_json;
use crate::domain::model::{Customer, Organization};
use crate::domain::text::{clean, pad};
use crate::domain::{Currency, Money};
use crate::store::Books;
use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde_json::Value;
use std::io::Write;

fn list_row_json(c: &Customer, outstanding: Money, overdue: Money, org: &Organization) -> Value {
    let mut obj = customer_base_json(c, org);
    obj.insert("outstanding".into(), Value::from(outstanding.plain()));
    obj.insert("overdue".into(), Value::from(overdue.plain()));
    Value::Object(obj)
}

pub fn customers(store: &Books, today: NaiveDate, json_out: bool, out: &mut impl Write) -> Result<()> {
    if json_out { json(store, today, out) } else { table(store, today, out) }
}

/// A JSON array, byte for byte as `serde_json::to_writer_pretty` writes the
/// whole list, one element at a time.
fn json(store: &Books, today: NaiveDate, out: &mut impl Write) -> Result<()> {
    let org = store.organization()?;
    let mut first = true;
    let mut item = Vec::new();
    out.write_all(b"[")?;
    store.each_customer(today, |c, outstanding, overdue| {
        item.clear();
        serde_json::to_writer_pretty(&mut item, &list_row_json(&c, outstanding, overdue, &org))?;
        out.write_all(if first { b"\n  " } else { b",\n  " })?;
        first = false;
        // One level deeper, as inside the array. JSON strings hold no raw
        // line break, so every one in `item` is the formatter's own.
        for (i, line) in item.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n  ")?;
            }
            out.write_all(line)?;
        }
        Ok::<_, color_eyre::Report>(())
    })?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    Ok(())
}

/// The columns' widths: ids, names and amounts as wide as the widest the
/// database holds (asked of SQLite before the first row; overdue is part of
/// outstanding, never negative), so nothing is cut.
struct Widths {
    id: usize,
    name: usize,
    money: usize,
}

fn widths(store: &Books) -> Result<Widths> {
    use crate::domain::text::width;
    let (max_id, most) = store.customer_list_extent()?;
    let money = most
        .iter()
        .map(|(cur, minor): &(Currency, i64)| width(&Money::new(*minor, *cur).display()))
        .fold(16, usize::max);
    let mut name = width("NAME");
    store.each_customer_name(|n| name = name.max(width(&clean(n))))?;
    Ok(Widths { id: max_id.to_string().len().max(5), name, money })
}

fn table(store: &Books, today: NaiveDate, out: &mut impl Write) -> Result<()> {
    let w = widths(store)?;
    let line = |id: &str, name: &str, source: &str, cur: &str, outstanding: &str, overdue: &str| {
        format!(
            "{}  {} {} {} {} {}",
            pad(id, w.id, true),
            pad(name, w.name, false),
            pad(source, 11, false),
            pad(cur, 4, false),
            pad(outstanding, w.money, true),
            pad(overdue, w.money, true),
        )
    };
    writeln!(out, "{}", line("ID", "NAME", "SOURCE", "CUR", "OUTSTANDING", "OVERDUE"))?;
    store.each_customer(today, |c, outstanding, overdue| {
        let text = line(
            &c.id.to_string(),
            &clean(&c.name),
            c.import_source.map_or("", |s| s.label()),
            c.currency.code(),
            &outstanding.display(),
            &overdue.display(),
        );
        writeln!(out, "{text}")?;
        Ok::<_, color_eyre::Report>(())
    })?;
    Ok(())
}
