//! Statements of account rendered from hand-built values: the text's exact
//! lines and width, the CSV read back, the PDF's text as `pdftotext` reads
//! it. Two currencies (USD, JPY), partial balances, unapplied credit, an
//! activity period, a hostile customer name and a CJK one.

use ardesk::domain::money::{Currency, Money};
use ardesk::statement::model::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn jpy(minor: i64) -> Money {
    Money::new(minor, Currency::JPY)
}

fn party(name: &str, legal: Option<&str>, address: &[&str], email: Option<&str>) -> Party {
    Party {
        name: name.into(),
        legal_name: legal.map(Into::into),
        address: address.iter().map(|l| l.to_string()).collect(),
        email: email.map(Into::into),
    }
}

fn item(number: &str, issued: &str, due: &str, total: Money, balance: Money, days: i64) -> OpenItem {
    OpenItem { number: number.into(), issue_date: d(issued), due_date: d(due), total, balance, days_overdue: days }
}

fn line(
    date: &str,
    kind: ActivityKind,
    reference: &str,
    description: &str,
    charge: Option<Money>,
    payment: Option<Money>,
    balance: Money,
) -> ActivityLine {
    ActivityLine {
        date: d(date),
        kind,
        reference: reference.into(),
        description: description.into(),
        charge,
        payment,
        balance,
    }
}

/// USD: three open invoices (one partly paid), a payment and a credit note
/// with money unapplied; JPY: one invoice. Activity since 2026-11-01.
fn statement(customer: Party) -> Statement {
    let usd_activity = Activity {
        from: d("2026-11-01"),
        brought_forward: usd(123_450),
        lines: vec![
            line(
                "2026-11-05",
                ActivityKind::Invoice,
                "INV-0002",
                "November services",
                Some(usd(200_000)),
                None,
                usd(323_450),
            ),
            line("2026-11-10", ActivityKind::Payment, "PAY-7", "Wire transfer", None, Some(usd(30_000)), usd(293_450)),
            line("2026-11-12", ActivityKind::CreditNote, "CN-3", "Damaged goods", None, Some(usd(5_000)), usd(288_450)),
            line("2026-11-25", ActivityKind::Payment, "PAY-8", "Check 1042", None, Some(usd(105_000)), usd(183_450)),
            line(
                "2026-12-01",
                ActivityKind::Invoice,
                "INV-0003",
                "December services",
                Some(usd(50_000)),
                None,
                usd(233_450),
            ),
        ],
        closing: usd(233_450),
    };
    let usd_section = Section {
        currency: Currency::USD,
        open_items: vec![
            item("INV-0001", "2026-09-01", "2026-10-01", usd(123_450), usd(123_450), 66),
            item("INV-0002", "2026-11-05", "2026-11-20", usd(200_000), usd(75_000), 16),
            item("INV-0003", "2026-12-01", "2026-12-31", usd(50_000), usd(50_000), 0),
        ],
        unapplied: vec![
            Unapplied {
                kind: UnappliedKind::Payment,
                reference: "PAY-7".into(),
                date: d("2026-11-10"),
                amount: usd(30_000),
                remaining: usd(10_000),
            },
            Unapplied {
                kind: UnappliedKind::CreditNote,
                reference: "CN-3".into(),
                date: d("2026-11-12"),
                amount: usd(5_000),
                remaining: usd(5_000),
            },
        ],
        aging: [usd(50_000), usd(75_000), usd(0), usd(123_450), usd(0)],
        open_total: usd(248_450),
        unapplied_total: usd(15_000),
        total_due: usd(233_450),
        activity: Some(usd_activity),
    };
    let jpy_section = Section {
        currency: Currency::JPY,
        open_items: vec![item("INV-J001", "2026-11-01", "2026-11-30", jpy(12_000), jpy(12_000), 6)],
        unapplied: vec![],
        aging: [jpy(0), jpy(12_000), jpy(0), jpy(0), jpy(0)],
        open_total: jpy(12_000),
        unapplied_total: jpy(0),
        total_due: jpy(12_000),
        activity: Some(Activity {
            from: d("2026-11-01"),
            brought_forward: jpy(0),
            lines: vec![line(
                "2026-11-01",
                ActivityKind::Invoice,
                "INV-J001",
                "翻訳サービス",
                Some(jpy(12_000)),
                None,
                jpy(12_000),
            )],
            closing: jpy(12_000),
        }),
    };
    Statement {
        organization: party(
            "Société Générale Supplies",
            Some("Société Générale Supplies LLC"),
            &["100 Market Street", "San Francisco, CA 94105"],
            Some("billing@sgs.example"),
        ),
        customer,
        customer_ref: "Customer 12".into(),
        as_of: d("2026-12-06"),
        kind: Kind::Activity { from: d("2026-11-01") },
        sections: vec![usd_section, jpy_section],
    }
}

fn yamada() -> Party {
    party("山田商事", Some("山田商事株式会社"), &["1-2-3 Marunouchi", "Chiyoda-ku, Tokyo 100-0005", "Japan"], None)
}

const HOSTILE: &str = "Evil\u{1b}[2J\u{202e}Corp\r\n=cmd|' /C calc'!A0";

/// The hostile name, and a hostile invoice number and description.
fn hostile() -> Statement {
    let mut s =
        statement(party(HOSTILE, Some("\u{1b}]52;c;ZWNobyBoaQ==\u{7}Evil Ltd"), &["\u{9b}31m1 Bad Road"], None));
    s.sections[0].open_items[0].number = "=HYPERLINK(\"http://x\")".into();
    if let Some(a) = s.sections[0].activity.as_mut() {
        a.lines[0].description = "-2+3\u{202e}cba".into();
    }
    s
}

/// An open-item statement in USD with enough invoices for two pages.
fn long_statement() -> Statement {
    let mut s = statement(yamada());
    s.kind = Kind::OpenItem;
    s.sections.truncate(1);
    let sec = &mut s.sections[0];
    sec.activity = None;
    for n in 0..55 {
        sec.open_items.push(item(&format!("INV-1{n:03}"), "2026-12-01", "2026-12-31", usd(10_000), usd(10_000), 0));
    }
    sec.aging[0] = usd(50_000 + 55 * 10_000);
    sec.open_total = usd(248_450 + 55 * 10_000);
    sec.total_due = usd(233_450 + 55 * 10_000);
    s
}

/// The edges: no sections; a customer in credit; amounts at ardesk's
/// bound; long names and forty address lines.
fn odd_statements() -> Vec<Statement> {
    let mut empty = statement(yamada());
    empty.sections.clear();
    let mut credit = statement(yamada());
    credit.kind = Kind::OpenItem;
    credit.sections.truncate(1);
    let sec = &mut credit.sections[0];
    sec.activity = None;
    sec.unapplied[0].amount = usd(300_000);
    sec.unapplied[0].remaining = usd(300_000);
    sec.unapplied_total = usd(305_000);
    sec.total_due = usd(248_450 - 305_000);
    let mut huge = statement(party(&"Very Long Customer Name Incorporated ".repeat(6), None, &[], None));
    let big = 10_000_000_000_000;
    let sec = &mut huge.sections[0];
    for i in &mut sec.open_items {
        i.number = "INV-".to_string() + &"9".repeat(60);
    }
    if let Some(a) = sec.activity.as_mut() {
        for l in &mut a.lines {
            l.charge = Some(usd(big));
            l.payment = Some(usd(big));
            l.balance = usd(big);
            l.description = "A description that goes on and on ".repeat(5);
        }
    }
    sec.aging = [usd(big); 5];
    let mut tall = statement(party("Tall Address Co", None, &[], None));
    tall.customer.address = (1..=40).map(|n| format!("Address line {n}")).collect();
    vec![empty, credit, huge, tall]
}

#[test]
fn the_fixtures_add_up() {
    for s in [statement(yamada()), hostile(), long_statement()] {
        for sec in &s.sections {
            assert_eq!(inconsistencies(sec), Vec::<String>::new());
        }
    }
    let mut bad = statement(yamada());
    bad.sections[0].total_due = usd(1);
    assert!(!inconsistencies(&bad.sections[0]).is_empty());
}

mod text {
    use super::*;
    use ardesk::domain::text::width;
    use ardesk::statement::text::render;

    #[test]
    fn a_statement_reads_as_expected() {
        insta::assert_snapshot!(render(&statement(yamada()), 80));
    }

    /// The brought-forward and closing figures are amounts like any
    /// other: their column is as wide as they are (a balance brought
    /// forward larger than every line's was cut "€31,80…"), and a period
    /// with no movement still shows its dates whole.
    #[test]
    fn brought_forward_and_closing_amounts_are_never_cut() {
        let mut s = statement(yamada());
        let a = s.sections[0].activity.as_mut().unwrap();
        a.brought_forward = usd(98_765_432);
        let mut quiet = statement(yamada());
        let q = quiet.sections[1].activity.as_mut().unwrap();
        q.lines.clear();
        q.brought_forward = jpy(12_000);
        for w in [80, 100] {
            let text = render(&s, w);
            assert!(text.contains("$987,654.32"), "{w}:\n{text}");
            let text = render(&quiet, w);
            assert!(text.contains("2026-11-01  Balance brought forward"), "{w}:\n{text}");
            assert!(text.contains("¥12,000"), "{w}:\n{text}");
        }
    }

    #[test]
    fn no_line_is_wider_than_asked() {
        for s in [statement(yamada()), hostile(), long_statement()] {
            for w in [80, 100, 132, 60, 20] {
                let text = render(&s, w);
                for l in text.lines() {
                    assert!(width(l) <= w, "{w}: {l:?} is {} wide", width(l));
                }
            }
        }
    }

    #[test]
    fn hostile_text_is_inert() {
        let text = render(&hostile(), 80);
        let head: String = text.lines().take(30).map(|l| format!("{l}\n")).collect();
        insta::assert_snapshot!(head);
        let bad =
            |c: char| c.is_control() && c != '\n' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!text.chars().any(bad), "{text:?}");
        assert!(text.contains("Evil␛[2J\u{fffd}Corp␍␊=cmd|' /C calc'!A0"), "{text}");
    }

    #[test]
    fn odd_statements_hold_their_width() {
        for s in odd_statements() {
            for w in [80, 120] {
                let text = render(&s, w);
                assert!(text.lines().all(|l| width(l) <= w), "{text}");
            }
        }
        let [empty, credit, huge, _] = <[Statement; 4]>::try_from(odd_statements()).unwrap();
        assert!(render(&empty, 80).contains("Nothing open"));
        let credit = render(&credit, 80);
        assert!(credit.contains("Total due (USD, in your favour)") && credit.contains("-$565.50"), "{credit}");
        let huge = render(&huge, 80);
        assert!(!huge.contains("$100,000,000,0…") && !huge.contains("$1…"), "amounts are never cut:\n{huge}");
        assert!(huge.contains("  Balance      $100,000,000,000.00"), "{huge}");
    }

    #[test]
    fn wide_lines_keep_whole_names() {
        let text = render(&statement(yamada()), 132);
        assert!(text.contains("山田商事株式会社"));
        assert!(text.contains("INV-0001"));
    }
}

mod csv_out {
    use super::*;
    use ardesk::statement::csv::render;

    fn rows(s: &Statement) -> Vec<csv::StringRecord> {
        let bytes = render(s).unwrap();
        let mut r = csv::Reader::from_reader(&bytes[..]);
        assert_eq!(r.headers().unwrap(), &ardesk::statement::csv::HEADER[..]);
        r.records().map(Result::unwrap).collect()
    }

    fn field<'a>(r: &'a csv::StringRecord, name: &str) -> &'a str {
        let i = ardesk::statement::csv::HEADER.iter().position(|h| *h == name).unwrap();
        &r[i]
    }

    #[test]
    fn amounts_are_plain_decimals() {
        let rows = rows(&statement(yamada()));
        let find = |record: &str, currency: &str, reference: &str| {
            rows.iter()
                .find(|r| &r[0] == record && field(r, "currency") == currency && field(r, "reference") == reference)
                .unwrap_or_else(|| panic!("no {record} {currency} {reference}"))
        };
        let inv = find("open_item", "USD", "INV-0002");
        assert_eq!((field(inv, "amount"), field(inv, "balance")), ("2000.00", "750.00"));
        assert_eq!(field(inv, "days_overdue"), "16");
        assert_eq!(field(inv, "due_date"), "2026-11-20");
        assert_eq!(field(find("open_item", "JPY", "INV-J001"), "balance"), "12000");
        assert_eq!(field(find("unapplied", "USD", "PAY-7"), "balance"), "100.00");
        assert_eq!(field(find("total_due", "USD", ""), "amount"), "2334.50");
        assert_eq!(field(find("total_due", "JPY", ""), "amount"), "12000");
        assert_eq!(field(find("brought_forward", "USD", ""), "balance"), "1234.50");
        assert_eq!(field(find("closing", "USD", ""), "balance"), "2334.50");
        let pay = find("activity", "USD", "PAY-8");
        assert_eq!((field(pay, "charge"), field(pay, "payment"), field(pay, "balance")), ("", "1050.00", "1834.50"));
        let aging: Vec<&str> =
            rows.iter().filter(|r| &r[0] == "aging" && &r[1] == "USD").map(|r| field(r, "amount")).collect();
        assert_eq!(aging, ["500.00", "750.00", "0.00", "1234.50", "0.00"]);
        assert_eq!(field(&rows[0], "description"), "山田商事");
        assert!(rows.iter().all(|r| !r.iter().any(|c| c.contains('$') || c.contains('¥'))));
    }

    #[test]
    fn formulas_are_defused_and_text_is_otherwise_exact() {
        let rows = rows(&hostile());
        assert_eq!(field(&rows[0], "description"), HOSTILE, "does not start a formula: kept as stored");
        let inv = rows.iter().find(|r| &r[0] == "open_item" && field(r, "reference").contains("HYPERLINK")).unwrap();
        assert_eq!(field(inv, "reference"), "'=HYPERLINK(\"http://x\")");
        let act = rows.iter().find(|r| &r[0] == "activity" && field(r, "reference") == "INV-0002").unwrap();
        assert_eq!(field(act, "description"), "'-2+3\u{202e}cba");
        // Amounts of our own stay numbers, negative ones too.
        let mut credit = statement(yamada());
        credit.sections[1].total_due = jpy(-500);
        let rows = super::csv_out::rows(&credit);
        let due = rows.iter().find(|r| &r[0] == "total_due" && &r[1] == "JPY").unwrap();
        assert_eq!(field(due, "amount"), "-500");
    }
}

mod pdf {
    use super::*;
    use ardesk::statement::pdf::render;
    use std::process::Command;

    /// `pdftotext -layout` of the statement's PDF; `None` (said) when the
    /// tool is missing outside CI; a failure when it is missing in CI,
    /// which installs poppler-utils (`.ci/run`).
    fn extracted(s: &Statement, name: &str) -> Option<String> {
        let bytes = render(s).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, &bytes).unwrap();
        // To look at the pages: ARDESK_STATEMENT_PDF=/tmp/stmt, then
        // pdftoppm -png -r 80 /tmp/stmt/NAME.pdf /tmp/stmt/NAME
        if let Some(out) = std::env::var_os("ARDESK_STATEMENT_PDF") {
            std::fs::create_dir_all(&out).unwrap();
            std::fs::write(std::path::Path::new(&out).join(format!("{name}.pdf")), &bytes).unwrap();
        }
        match Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output() {
            Ok(o) => {
                assert!(o.status.success(), "pdftotext: {}", String::from_utf8_lossy(&o.stderr));
                Some(String::from_utf8(o.stdout).unwrap())
            }
            Err(e) if std::env::var_os("CI").is_some() => panic!("pdftotext is needed in CI (poppler-utils): {e}"),
            Err(e) => {
                eprintln!("skipped: pdftotext is not on PATH ({e}); apt-get install poppler-utils");
                None
            }
        }
    }

    #[test]
    fn the_pdf_reads_back_as_its_statement() {
        let Some(text) = extracted(&statement(yamada()), "activity") else { return };
        for want in [
            "Société Générale Supplies",
            "100 Market Street",
            "Statement of account",
            "Activity statement",
            "2026-12-06",
            "山田商事",
            "山田商事株式会社",
            "翻訳サービス",
            "INV-0001",
            "INV-0002",
            "INV-0003",
            "INV-J001",
            "PAY-7",
            "CN-3",
            "$1,234.50",
            "$2,000.00",
            "$750.00",
            "-$150.00",
            "$2,334.50",
            "¥12,000",
            "Balance brought forward",
            "Closing balance",
            "Total due (USD)",
            "Total due (JPY)",
            "Page 1 of 2",
            "Page 2 of 2",
        ] {
            assert!(text.contains(want), "{want:?} not in:\n{text}");
        }
    }

    #[test]
    fn a_long_statement_runs_to_two_pages_with_headers_repeated() {
        let Some(text) = extracted(&long_statement(), "long") else { return };
        assert!(text.contains("Page 1 of 2") && text.contains("Page 2 of 2"), "{text}");
        assert!(!text.contains("Page 3"), "{text}");
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert!(pages[1].contains("Open invoices (continued)"), "{}", pages[1]);
        assert!(pages[1].contains("Days overdue"), "the header row again:\n{}", pages[1]);
        assert!(text.contains("INV-1000") && text.contains("INV-1054"));
        assert!(text.contains("Total due (USD)") && text.contains("$7,834.50"), "{text}");
    }

    #[test]
    fn odd_statements_render() {
        for (n, s) in odd_statements().iter().enumerate() {
            let Some(text) = extracted(s, &format!("odd-{n}")) else { return };
            assert!(text.contains("Page 1 of"), "{text}");
        }
    }

    #[test]
    fn hostile_text_is_printed_not_interpreted() {
        let bytes = render(&hostile()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let Some(text) = extracted(&hostile(), "hostile") else { return };
        let acts = |c: char| c.is_control() && !matches!(c, '\n' | '\u{c}') || matches!(c, '\u{202a}'..='\u{202e}');
        assert!(!text.chars().any(acts), "{text:?}");
        assert!(text.contains("Evil"), "{text}");
        assert!(text.contains("Corp"), "{text}");
        assert!(text.contains("=cmd|' /C calc'!A0"), "{text}");
        assert!(text.contains("=HYPERLINK(\"http://x\")"), "{text}");
    }
}
