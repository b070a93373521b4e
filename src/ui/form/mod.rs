//! Forms and confirmations: a list of fields (choices, tick boxes, text), edited from the
//! keyboard, submitted by `relationship::submit`. The form itself knows nothing of the store.

pub mod relationship;

/// One field's kind and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// One of several options (←/→ to change).
    Choice {
        options: Vec<String>,
        selected: usize,
    },
    /// Any of several options (space to tick).
    Multi {
        options: Vec<String>,
        checked: Vec<bool>,
        cursor: usize,
    },
    Text {
        value: String,
        hint: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
}

impl Field {
    pub fn choice(label: &str, options: Vec<String>, selected: usize) -> Field {
        let selected = selected.min(options.len().saturating_sub(1));
        Field {
            label: label.into(),
            kind: FieldKind::Choice { options, selected },
        }
    }
    pub fn multi(label: &str, options: Vec<String>, checked: Vec<bool>) -> Field {
        Field {
            label: label.into(),
            kind: FieldKind::Multi {
                options,
                checked,
                cursor: 0,
            },
        }
    }
    pub fn text(label: &str, value: &str, hint: &str) -> Field {
        Field {
            label: label.into(),
            kind: FieldKind::Text {
                value: value.into(),
                hint: hint.into(),
            },
        }
    }
}

/// What submitting the form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Preferences {
        candidate: i64,
        their_message: Option<i64>,
    },
    /// Their answer to the question mail, edited before it is accepted (their message is
    /// the source, their own choice the basis: the core's `answers::accept_edited`).
    Answer {
        candidate: i64,
    },
    /// Asking by mail needs a recorded reason (conflicts with their wishes or colleagues).
    AskConfirm {
        candidate: i64,
    },
    LogContact {
        candidate: i64,
    },
    OptOut {
        candidate: i64,
        message: Option<i64>,
        scopes: Vec<rapport_core::values::OptOutScope>,
    },
    Rename {
        candidate: i64,
    },
    /// Someone met outside the mailbox: address, name, how we got the address.
    NewCandidate,
    Erase {
        candidate: i64,
        address: String,
    },
    /// Where to write the data-rights export.
    Export {
        candidate: i64,
    },
    Split {
        candidate: i64,
        addresses: Vec<String>,
    },
    Merge {
        target: i64,
        source: i64,
    },
    /// Choose a snippet before writing: the names in offered order, and whether it is a reply.
    PickTemplate {
        names: Vec<String>,
        reply: bool,
    },
    /// Choose which of the highlighted message's attachments to save, open or read (saving
    /// offers all of them first).
    PickAttachment {
        wanted: crate::ui::attachments::Wanted,
        ids: Vec<rapport_core::actions::attachments::AttachmentId>,
    },
    /// The precheck's warnings were shown: Enter goes on to write.
    WriteAnyway {
        reply: bool,
    },
    /// Assign `candidates` (one, or all marked) to one of `choices` (None: nobody).
    Assign {
        candidates: Vec<i64>,
        choices: Vec<Option<String>>,
    },
    Snooze {
        candidates: Vec<i64>,
    },
    /// After the editor: send, edit again, keep as draft or discard.
    Review,
    /// Send despite conflicts with the candidate's wishes (needs a reason).
    SendConfirm,
    /// The Share view: which snippet to share (`names` in offered order).
    SharePick {
        names: Vec<String>,
    },
    /// The Share view: subject, audience query and pace of a share of `template`.
    ShareSpec {
        template: String,
    },
    /// The Share view: the recruiter types the number of recipients to create the share.
    ShareConfirm {
        recipients: usize,
    },
    /// The Share view: cancel share `id`? (y/n)
    ShareCancel {
        id: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    /// Shown above the fields (what the form will do, warnings).
    pub intro: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub purpose: Purpose,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

impl Form {
    pub fn new(title: &str, purpose: Purpose, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            intro: Vec::new(),
            fields,
            focus: 0,
            purpose,
            error: None,
        }
    }

    pub fn focused_is_text(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.kind),
            Some(FieldKind::Text { .. })
        )
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    /// ←/→: the next choice, or the next tick box of a multi field.
    pub fn step(&mut self, forward: bool) {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut f.kind {
            FieldKind::Choice { options, selected } if !options.is_empty() => {
                let n = options.len();
                *selected = if forward {
                    (*selected + 1) % n
                } else {
                    (*selected + n - 1) % n
                };
            }
            FieldKind::Multi {
                options, cursor, ..
            } if !options.is_empty() => {
                let n = options.len();
                *cursor = if forward {
                    (*cursor + 1) % n
                } else {
                    (*cursor + n - 1) % n
                };
            }
            _ => {}
        }
    }

    /// Space: ticks the option under the cursor, or moves a choice on.
    pub fn toggle(&mut self) {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut f.kind {
            FieldKind::Multi {
                checked, cursor, ..
            } => {
                if let Some(c) = checked.get_mut(*cursor) {
                    *c = !*c;
                }
            }
            FieldKind::Choice { .. } => self.step(true),
            FieldKind::Text { value, .. } => value.push(' '),
        }
    }

    pub fn input(&mut self, c: char) {
        if let Some(Field {
            kind: FieldKind::Text { value, .. },
            ..
        }) = self.fields.get_mut(self.focus)
            && !c.is_control()
        {
            value.push(c);
        }
    }

    pub fn backspace(&mut self) {
        if let Some(Field {
            kind: FieldKind::Text { value, .. },
            ..
        }) = self.fields.get_mut(self.focus)
        {
            value.pop();
        }
    }

    fn field(&self, label: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.label == label)
    }

    /// The text of a text field, trimmed.
    pub fn text(&self, label: &str) -> String {
        match self.field(label).map(|f| &f.kind) {
            Some(FieldKind::Text { value, .. }) => value.trim().to_string(),
            _ => String::new(),
        }
    }

    /// The index chosen in a choice field.
    pub fn choice(&self, label: &str) -> usize {
        match self.field(label).map(|f| &f.kind) {
            Some(FieldKind::Choice { selected, .. }) => *selected,
            _ => 0,
        }
    }

    /// The ticked options of a multi field.
    pub fn ticked(&self, label: &str) -> Vec<String> {
        match self.field(label).map(|f| &f.kind) {
            Some(FieldKind::Multi {
                options, checked, ..
            }) => options
                .iter()
                .zip(checked)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.clone())
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(
            "t",
            Purpose::Rename { candidate: 1 },
            vec![
                Field::choice("Frequency", vec!["a".into(), "b".into(), "c".into()], 0),
                Field::multi(
                    "Channels",
                    vec!["email".into(), "phone".into()],
                    vec![true, false],
                ),
                Field::text("Note", "", ""),
            ],
        )
    }

    #[test]
    fn fields_cycle_and_edit() {
        let mut f = form();
        f.step(false);
        assert_eq!(f.choice("Frequency"), 2);
        f.next_field();
        f.step(true);
        f.toggle();
        assert_eq!(f.ticked("Channels"), vec!["email", "phone"]);
        f.next_field();
        assert!(f.focused_is_text());
        for c in "hi there".chars() {
            f.input(c);
        }
        f.backspace();
        assert_eq!(f.text("Note"), "hi ther");
        f.next_field();
        assert_eq!(f.focus, 0, "wraps around");
    }
}
