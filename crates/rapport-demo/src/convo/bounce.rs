//! The outreach that went to a dead address, and the bounce that came back.

use super::Sim;
use super::thread::{Forced, K, Snap};
use crate::clock::{self, DAY, TEAM_TZ};
use crate::mime::{self, WordEnc};
use crate::names;
use crate::{DOMAIN, SHARED_ADDRESS};

impl Sim<'_> {
    pub(super) fn bounce(&mut self, t: i64) -> i64 {
        let t0 = self.business_moment(t);
        let local = names::local_part(&self.c.id, &mut self.rng).replace("+jobs", "");
        let dead = format!("{local}@kappa-consulting.example");
        self.to_override = Some(dead.clone());
        let mut th = self.new_thread(K::Outreach, t0);
        th.forced = Forced::Quiet;
        self.emit(&mut th, K::Outreach, t0);
        self.commit(&mut th);
        self.to_override = None;
        self.roles.pop();
        let original = th.pending[0].snap.clone();
        let tb = t0 + self.rng.range(20, 200);
        let bytes = self.bounce_message(tb, &dead, &original);
        self.g.push(tb, true, bytes);
        self.produced += 1;
        self.budget = self.budget.saturating_sub(1);
        t0 + self.rng.range(DAY, 4 * DAY)
    }

    fn bounce_message(&mut self, t: i64, dead: &str, original: &Snap) -> Vec<u8> {
        let queue = self.rng.hex(10).to_uppercase();
        let date = clock::rfc5322(t, TEAM_TZ);
        let boundary = format!("{queue}.{}/mx1.{DOMAIN}", t);
        let orig_date = clock::rfc5322(original.t, TEAM_TZ);
        let mut out = String::with_capacity(2048);
        out.push_str(&format!(
            "Return-Path: <>\r\nDate: {date}\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx1.{DOMAIN}>\r\nTo: {SHARED_ADDRESS}\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{t}.{queue}.bounce@mx1.{DOMAIN}>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"{boundary}\"\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n"
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system at host mx1.{DOMAIN}.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients. It's attached below.\r\n\r\nFor further assistance, please send mail to postmaster.\r\n\r\n                   The mail system\r\n\r\n<{dead}>: host mx.kappa-consulting.example[198.51.100.23] said: 550\r\n    5.1.1 <{dead}>: Recipient address rejected: User unknown in virtual\r\n    mailbox table (in reply to RCPT TO command)\r\n\r\n"
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx1.{DOMAIN}\r\nX-Postfix-Queue-ID: {queue}\r\nArrival-Date: {orig_date}\r\n\r\nFinal-Recipient: rfc822; {dead}\r\nOriginal-Recipient: rfc822;{dead}\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.kappa-consulting.example\r\nDiagnostic-Code: smtp; 550 5.1.1 <{dead}>: Recipient address rejected: User\r\n    unknown in virtual mailbox table\r\n\r\n"
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\nDate: {orig_date}\r\nFrom: {}\r\nTo: {dead}\r\nSubject: {}\r\nMessage-ID: {}\r\n\r\n--{boundary}--\r\n",
            original.from_header,
            mime::unstructured(&original.subject, WordEnc::Utf8B),
            original.id
        ));
        out.into_bytes()
    }
}
