use super::*;

fn q(s: &str) -> Expr {
    s.parse::<Query>()
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .expr
}

fn err(s: &str) -> QueryError {
    s.parse::<Query>().expect_err(s)
}

fn t(term: Term) -> Expr {
    Expr::Term(term)
}

#[test]
fn fields_read_into_typed_terms() {
    assert_eq!(q("interest:rust"), t(Term::Interest("rust".into())));
    assert_eq!(q("channel:Email"), t(Term::Channel(Channel::Email)));
    assert_eq!(q("due:yes"), t(Term::Due(true)));
    assert_eq!(q("assigned:me"), t(Term::Assigned(Assignee::Me)));
    assert_eq!(q("assigned:none"), t(Term::Assigned(Assignee::Nobody)));
    assert_eq!(
        q("assigned:\"Bilal Haddad\""),
        t(Term::Assigned(Assignee::Named("Bilal Haddad".into())))
    );
    assert_eq!(q("waiting:>24h"), t(Term::Waiting(Waiting::Longer(86_400))));
    assert_eq!(q("waiting:<90m"), t(Term::Waiting(Waiting::Shorter(5400))));
    assert_eq!(q("waiting:no"), t(Term::Waiting(Waiting::Is(false))));
    assert_eq!(q("over:target"), t(Term::OverTarget));
    assert_eq!(q("opted-out:no"), t(Term::OptedOut(false)));
    assert_eq!(q("lang:de"), t(Term::Lang("de".into())));
    assert_eq!(q("tz:Europe/*"), t(Term::Tz("Europe/*".into())));
    assert_eq!(q("SNOOZED:yes"), t(Term::Snoozed(true)));
}

#[test]
fn spaces_and_or_binds_tighter_and_minus_negates() {
    assert_eq!(
        q("interest:rust channel:email due:yes"),
        Expr::And(vec![
            t(Term::Interest("rust".into())),
            t(Term::Channel(Channel::Email)),
            t(Term::Due(true)),
        ])
    );
    assert_eq!(
        q("rust lang:de or lang:fr -snoozed:yes"),
        Expr::And(vec![
            t(Term::Word("rust".into())),
            Expr::Or(vec![t(Term::Lang("de".into())), t(Term::Lang("fr".into()))]),
            Expr::Not(Box::new(t(Term::Snoozed(true)))),
        ])
    );
    assert_eq!(
        q("-(lang:de OR lang:fr)"),
        Expr::Not(Box::new(Expr::Or(vec![
            t(Term::Lang("de".into())),
            t(Term::Lang("fr".into()))
        ])))
    );
}

#[test]
fn plain_words_and_phrases_stay_text() {
    assert_eq!(
        q("\"machine learning\" co-founder 10:30 http://x.example"),
        Expr::And(vec![
            t(Term::Phrase("machine learning".into())),
            t(Term::Word("co-founder".into())),
            t(Term::Word("10:30".into())),
            t(Term::Word("http://x.example".into())),
        ])
    );
    assert_eq!(q("\"or\""), t(Term::Phrase("or".into())));
}

#[test]
fn errors_name_the_term_and_where_it_starts() {
    let e = err("intrest:rust");
    assert_eq!((e.term.as_str(), e.at), ("intrest:rust", 1));
    assert!(
        e.message.starts_with(
            "unknown field \"intrest\" in \"intrest:rust\" (at 1); known fields: interest, channel,"
        ),
        "{e}"
    );
    let e = err("rust due:maybe");
    assert_eq!((e.term.as_str(), e.at), ("due:maybe", 6));
    assert!(e.message.contains("yes or no"), "{e}");
    let e = err("channel:fax");
    assert!(
        e.message.contains("\"fax\"") && e.message.contains("linkedin"),
        "{e}"
    );
    let e = err("waiting:>soon");
    assert!(e.message.contains("24h"), "{e}");
    let e = err("über interest:");
    assert_eq!((e.term.as_str(), e.at), ("interest:", 6), "{e}");
    assert!(e.message.contains("has no value"), "{e}");
    assert_eq!(err("rust or").term, "or");
    assert_eq!(err("or rust").at, 1);
    assert_eq!(err("rust - x").at, 6);
    assert!(err("\"unclosed").message.contains("unclosed quote"));
    assert!(err("(rust").message.contains("unclosed \"(\""));
    assert!(err("rust)").message.contains("unmatched \")\""));
    assert!(err("over:deadline").message.contains("target"));
    assert!(err("   ").message.contains("empty"));
}

#[test]
fn display_reads_back_as_the_same_query() {
    for s in [
        "interest:rust channel:email due:yes",
        "rust lang:de or lang:fr -snoozed:yes",
        "-(lang:de or lang:fr) (a b) or c",
        "\"machine learning\" assigned:\"Bilal Haddad\" waiting:>36h waiting:<2d",
        "tz:Europe/* opted-out:no over:target assigned:none assigned:me \"10:30\"",
    ] {
        let once: Query = s.parse().unwrap();
        let again: Query = once.to_string().parse().unwrap();
        assert_eq!(once, again, "{s} → {once}");
    }
    assert_eq!(
        "interest:rust  channel:email   due:yes"
            .parse::<Query>()
            .unwrap()
            .to_string(),
        "interest:rust channel:email due:yes"
    );
}

#[test]
fn text_terms_are_the_words_and_phrases_looked_for() {
    let q: Query = "rust \"machine learning\" lang:de -python (go or zig)"
        .parse()
        .unwrap();
    assert_eq!(q.text_terms(), ["rust", "machine learning", "go", "zig"]);
}
