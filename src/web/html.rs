//! The preference page as server-rendered HTML (maud escapes every value): no script, labels
//! on every control, readable on a phone. It shows the candidate's wishes and nothing else.

use super::i18n::{LANGUAGES, Texts};
use maud::{DOCTYPE, Markup, html};
use rapport_core::actions::candidate_page::{CHANNELS, Page};
use rapport_core::model::Frequency;
use rapport_core::values::DataRequestKind;

/// The frequencies a candidate can choose, in the order of `Texts::frequencies`.
pub const FREQUENCIES: [Frequency; 5] = [
    Frequency::Weekly,
    Frequency::Biweekly,
    Frequency::Monthly,
    Frequency::Quarterly,
    Frequency::OnlyWhenTheyWrite,
];

/// The stylesheet, served from `/style.css` (the CSP allows no inline style).
pub const CSS: &str = "\
body{font:1.05rem/1.5 system-ui,sans-serif;color:#111;background:#fff;margin:0 auto;max-width:40rem;padding:1rem}\
h1{font-size:1.5rem}fieldset{border:1px solid #666;border-radius:.4rem;margin:1rem 0;padding:.6rem 1rem}\
legend{font-weight:600;padding:0 .3rem}label{display:block;padding:.25rem 0}\
input[type=text],textarea,select{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;border:1px solid #444;border-radius:.3rem}\
button{font:inherit;padding:.6rem 1.2rem;border-radius:.3rem;border:2px solid #0b3d91;background:#0b3d91;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#0b3d91}\
:focus-visible{outline:3px solid #c60;outline-offset:2px}\
.notice{background:#e7f4e4;border:1px solid #2d6a1f;padding:.6rem 1rem;border-radius:.3rem}\
.hint{color:#444;font-size:.95rem}.unsub{background:#fdf3e7;border-color:#8a4b00}\
";

fn frequency_label(t: &Texts, f: Frequency) -> &'static str {
    FREQUENCIES
        .iter()
        .position(|x| *x == f)
        .map(|i| t.frequencies[i])
        .unwrap_or(t.frequencies[4])
}

fn channel_label(t: &Texts, i: usize) -> &'static str {
    t.channel_names[i]
}

/// Everything the page needs besides the candidate's wishes.
pub struct View<'a> {
    pub t: &'static Texts,
    pub token: &'a str,
    pub csrf: &'a str,
    /// A message above the form (saved, unsubscribed).
    pub notice: Option<&'a str>,
    /// Came from the unsubscribe link: the one-click button comes first.
    pub unsubscribe_first: bool,
    /// Dates as the page shows them ("2026-12-03").
    pub date: &'a dyn Fn(i64) -> String,
}

fn unsubscribe_form(v: &View, p: &Page) -> Markup {
    let t = v.t;
    html! {
        fieldset.unsub {
            legend { (t.unsubscribe) }
            @if p.email_stopped || !p.contact {
                p { (t.email_stopped) }
            } @else {
                p.hint { (t.unsubscribe_hint) }
                form method="post" action={ "/u/" (v.token) } {
                    input type="hidden" name="List-Unsubscribe" value="One-Click";
                    button type="submit" { (t.unsubscribe_button) }
                }
            }
        }
    }
}

/// The head every page shares: charset, phone viewport, no indexing, the stylesheet.
fn head(t: &Texts) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="robots" content="noindex, nofollow";
            title { (t.title) }
            link rel="stylesheet" href="/style.css";
        }
    }
}

pub fn page(v: &View, p: &Page) -> Markup {
    let t = v.t;
    let chosen_lang = p.language.as_deref().unwrap_or(t.lang);
    html! {
        (DOCTYPE)
        html lang=(t.lang) {
            (head(t))
            body {
                main {
                    h1 { (t.title) }
                    @if let Some(n) = v.notice {
                        p.notice role="status" { (n) }
                    }
                    p { (t.intro) }
                    @if v.unsubscribe_first { (unsubscribe_form(v, p)) }
                    form method="post" action={ "/p/" (v.token) } {
                        input type="hidden" name="csrf" value=(v.csrf);
                        fieldset {
                            legend { (t.contact) }
                            label { input type="radio" name="contact" value="yes" checked[p.contact]; " " (t.contact_yes) }
                            label { input type="radio" name="contact" value="no" checked[!p.contact]; " " (t.contact_no) }
                        }
                        fieldset {
                            legend { (t.channels) }
                            p.hint { (t.channels_hint) }
                            @for (i, c) in CHANNELS.iter().enumerate() {
                                label {
                                    input type="checkbox" name="channel" value=(c.as_str())
                                        checked[p.channels.contains(c) && !(v.unsubscribe_first && i == 0)];
                                    " " (channel_label(t, i))
                                }
                            }
                            label for="preferred" { (t.preferred) }
                            select id="preferred" name="preferred" {
                                option value="" selected[p.preferred.is_none()] { (t.no_preference) }
                                @for (i, c) in CHANNELS.iter().enumerate() {
                                    option value=(c.as_str()) selected[p.preferred == Some(*c)] { (channel_label(t, i)) }
                                }
                            }
                        }
                        fieldset {
                            legend { (t.frequency) }
                            @for f in FREQUENCIES {
                                label {
                                    input type="radio" name="frequency" value=(f.as_str()) checked[p.frequency == Some(f)];
                                    " " (frequency_label(t, f))
                                }
                            }
                        }
                        @if !p.offered.is_empty() {
                            fieldset {
                                legend { (t.interests) }
                                @for i in &p.offered {
                                    label { input type="checkbox" name="interest" value=(i) checked[p.interests.contains(i)]; " " (i) }
                                }
                            }
                            fieldset {
                                legend { (t.not_topics) }
                                @for i in &p.offered {
                                    label { input type="checkbox" name="not_topic" value=(i) checked[p.not_topics.contains(i)]; " " (i) }
                                }
                                @for i in p.not_topics.iter().filter(|x| !p.offered.contains(x)) {
                                    label { input type="checkbox" name="not_topic" value=(i) checked; " " (i) }
                                }
                            }
                        }
                        fieldset {
                            legend { label for="language" { (t.language) } }
                            select id="language" name="language" {
                                @for (code, name) in LANGUAGES {
                                    option value=(code) selected[chosen_lang.starts_with(code)] { (name) }
                                }
                            }
                        }
                        fieldset {
                            legend { label for="note" { (t.note) } }
                            textarea id="note" name="note" rows="3" maxlength="2000" {}
                        }
                        fieldset {
                            legend { (t.data) }
                            @for (kind, at, due) in &p.open_requests {
                                p {
                                    (t.open_request
                                        .replace("{what}", match kind { DataRequestKind::Copy => t.copy, DataRequestKind::Erasure => t.erasure })
                                        .replace("{at}", &(v.date)(*at))
                                        .replace("{due}", &(v.date)(*due)))
                                }
                            }
                            label { input type="checkbox" name="want_copy" value="yes"; " " (t.want_copy) }
                            label { input type="checkbox" name="want_erasure" value="yes"; " " (t.want_erasure) }
                            p.hint { (t.data_hint) }
                        }
                        button type="submit" { (t.save) }
                    }
                    @if !v.unsubscribe_first { (unsubscribe_form(v, p)) }
                }
            }
        }
    }
}

/// A short page for answers that are not the form (unsubscribed, not found).
pub fn message(t: &Texts, text: &str, link: Option<(&str, &str)>) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(t.lang) {
            (head(t))
            body {
                main {
                    p role="status" { (text) }
                    @if let Some((href, label)) = link { p { a href=(href) { (label) } } }
                }
            }
        }
    }
}
