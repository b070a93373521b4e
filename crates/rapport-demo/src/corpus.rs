//! What the demo conversations say: the roles the team recruits for and the message
//! templates. Templates use `{key}` placeholders filled by [`fill`].

/// A role the team is recruiting for.
pub struct Role {
    pub title: &'static str,
    pub company: &'static str,
    pub location: &'static str,
    /// A sentence about the remote policy.
    pub remote: &'static str,
    /// The same as a short phrase ("fully remote within the EU").
    pub remote_short: &'static str,
    pub salary: &'static str,
    /// What a candidate might say they expect.
    pub expect: &'static [&'static str],
    pub offer: &'static str,
    pub stack: &'static str,
    pub stack_first: &'static str,
    pub pitch: &'static str,
    pub team_size: u32,
    pub hm: &'static str,
    pub hm_title: &'static str,
    /// Interest tags from [`INTERESTS`].
    pub tags: &'static [&'static str],
}

/// The vocabulary stored in preferences.
#[cfg(test)]
pub const INTERESTS: &[&str] = &[
    "rust",
    "backend",
    "data",
    "ml",
    "design",
    "management",
    "remote",
    "berlin",
    "london",
    "startups",
    "frontend",
    "sre",
];

/// How a candidate would say an interest in a sentence.
pub fn interest_phrase(tag: &str) -> &'static str {
    match tag {
        "rust" => "Rust",
        "backend" => "backend",
        "data" => "data engineering",
        "ml" => "machine learning",
        "design" => "product design",
        "management" => "engineering management",
        "remote" => "fully remote",
        "berlin" => "Berlin-based",
        "london" => "London-based",
        "startups" => "early-stage startup",
        "frontend" => "frontend",
        _ => "SRE and platform",
    }
}

pub const ROLES: &[Role] = &[
    Role {
        title: "Senior Rust Engineer",
        company: "Fjord Systems",
        location: "Oslo or remote within the EU",
        remote: "Fully remote within EU time zones; the team meets in Oslo once a quarter",
        remote_short: "fully remote within the EU",
        salary: "€95,000–115,000 plus equity",
        expect: &["€105k", "110k EUR", "around €100,000"],
        offer: "€108,000",
        stack: "Rust, Tokio, PostgreSQL and Kafka",
        stack_first: "Rust",
        pitch: "Fjord builds the settlement engine behind several Nordic payment providers. They are rewriting their ledger in Rust and need someone who cares about correctness and low latency: property-based testing, careful error handling, the works.",
        team_size: 7,
        hm: "Ingrid Solberg",
        hm_title: "VP Engineering",
        tags: &["rust", "backend", "remote"],
    },
    Role {
        title: "Data Engineer",
        company: "Helix Analytics",
        location: "Berlin (hybrid)",
        remote: "Hybrid: two days a week in their Kreuzberg office, the rest from home",
        remote_short: "hybrid in Berlin",
        salary: "€75,000–90,000",
        expect: &["€85k", "around 80,000 EUR", "€88,000"],
        offer: "€84,000",
        stack: "Python, dbt, Snowflake and Airflow",
        stack_first: "dbt",
        pitch: "Helix turns messy hospital data into dashboards that clinicians actually use. The data platform team owns ingestion end to end and is moving from nightly batches to near-real-time pipelines.",
        team_size: 5,
        hm: "Tobias Brandt",
        hm_title: "Head of Data",
        tags: &["data", "berlin", "backend"],
    },
    Role {
        title: "Staff Site Reliability Engineer",
        company: "Tidewater Cloud",
        location: "Remote (EU)",
        remote: "Fully remote, anywhere in Europe, with a generous home-office budget",
        remote_short: "fully remote",
        salary: "€120,000–140,000",
        expect: &["€135k", "at least 130,000 EUR", "€128,000"],
        offer: "€132,000",
        stack: "Kubernetes, Terraform, Go and Prometheus",
        stack_first: "Kubernetes",
        pitch: "Tidewater runs managed databases for a few thousand customers. As Staff SRE you would shape their reliability practice: SLOs, incident reviews and the next version of their multi-region control plane.",
        team_size: 9,
        hm: "Marcus Okafor",
        hm_title: "Director of Infrastructure",
        tags: &["sre", "remote", "backend"],
    },
    Role {
        title: "Senior Product Designer",
        company: "Lumen Health",
        location: "London (hybrid)",
        remote: "Hybrid: the design team is in the Shoreditch studio on Tuesdays and Thursdays",
        remote_short: "hybrid in London",
        salary: "£70,000–85,000",
        expect: &["£80k", "around £78,000", "£82,000"],
        offer: "£79,000",
        stack: "Figma, a mature design system and weekly user research",
        stack_first: "Figma",
        pitch: "Lumen makes a patient app used by a million people with long-term conditions. They want a designer who can own the medication journey from research to shipped pixels.",
        team_size: 6,
        hm: "Priti Shah",
        hm_title: "Head of Design",
        tags: &["design", "london", "startups"],
    },
    Role {
        title: "Engineering Manager",
        company: "Kestrel Payments",
        location: "Amsterdam or Berlin",
        remote: "Hybrid, with offices in Amsterdam and Berlin; three days a week on site",
        remote_short: "hybrid in Amsterdam or Berlin",
        salary: "€120,000–135,000",
        expect: &["€130k", "around 125,000 EUR", "€132,000"],
        offer: "€127,500",
        stack: "Kotlin, Postgres and a lot of AWS",
        stack_first: "Kotlin",
        pitch: "Kestrel is a Series B payments startup growing fast across the Benelux. You would lead the merchant onboarding team of eight engineers and hire two more this year.",
        team_size: 8,
        hm: "Femke de Boer",
        hm_title: "CTO",
        tags: &["management", "startups", "berlin"],
    },
    Role {
        title: "Machine Learning Engineer",
        company: "Quarry AI",
        location: "Paris or remote",
        remote: "Remote-first, with an office in Paris for those who want one",
        remote_short: "remote-first",
        salary: "€85,000–105,000 plus equity",
        expect: &["€100k", "around 95,000 EUR", "€98,000"],
        offer: "€97,000",
        stack: "PyTorch, Ray and Kubernetes",
        stack_first: "PyTorch",
        pitch: "Quarry builds document-understanding models for insurers. The ML team of six takes models from research notebooks to production, and they care a lot about evaluation and reproducibility.",
        team_size: 6,
        hm: "Julien Marchand",
        hm_title: "Head of ML",
        tags: &["ml", "startups", "remote"],
    },
    Role {
        title: "Senior Frontend Engineer",
        company: "Parcelwise",
        location: "Berlin (remote-friendly)",
        remote: "Remote-friendly: most of the team is in Berlin, but you can work from anywhere in Germany",
        remote_short: "remote-friendly (Germany)",
        salary: "€80,000–95,000",
        expect: &["€90k", "around 88,000 EUR", "€92,000"],
        offer: "€89,000",
        stack: "TypeScript, React and GraphQL",
        stack_first: "TypeScript",
        pitch: "Parcelwise builds the tools couriers and depots use every day. The frontend team is rebuilding the dispatcher app with accessibility and offline support as first-class concerns.",
        team_size: 5,
        hm: "Nadia Hoffmann",
        hm_title: "Engineering Lead",
        tags: &["frontend", "berlin", "startups"],
    },
    Role {
        title: "QA Automation Engineer",
        company: "Brightline Games",
        location: "Hamburg (hybrid)",
        remote: "Hybrid, two office days a week in Hamburg",
        remote_short: "hybrid in Hamburg",
        salary: "€60,000–72,000",
        expect: &["€70k", "around 68,000 EUR", "€65,000"],
        offer: "€67,000",
        stack: "Playwright, Python and GitLab CI",
        stack_first: "Playwright",
        pitch: "Brightline makes cosy mobile games with a few million players. They want to move from manual release testing to a proper automated suite that runs on every build.",
        team_size: 4,
        hm: "Ole Petersen",
        hm_title: "QA Lead",
        tags: &["startups", "backend"],
    },
    Role {
        title: "Backend Engineer (Go)",
        company: "Meridian Logistics",
        location: "Munich (hybrid)",
        remote: "Hybrid, with one fixed team day a week in Munich",
        remote_short: "hybrid in Munich",
        salary: "€78,000–92,000",
        expect: &["€88k", "around 85,000 EUR", "€90,000"],
        offer: "€86,000",
        stack: "Go, gRPC, PostgreSQL and Kafka",
        stack_first: "Go",
        pitch: "Meridian optimises freight routes across Europe. The routing team owns the services that price and plan a few hundred thousand shipments a day.",
        team_size: 8,
        hm: "Stefan Lang",
        hm_title: "Engineering Manager",
        tags: &["backend", "data"],
    },
    Role {
        title: "Platform Engineer",
        company: "Saltmarsh Energy",
        location: "Copenhagen or remote",
        remote: "Remote within the EU, with a yearly team week in Copenhagen",
        remote_short: "remote within the EU",
        salary: "DKK 650,000–750,000",
        expect: &["DKK 720,000", "around €95k", "DKK 700k"],
        offer: "DKK 710,000",
        stack: "Rust, Kubernetes and Terraform",
        stack_first: "Kubernetes",
        pitch: "Saltmarsh balances the grid with home batteries. The platform team runs the fleet-control backend and is migrating its edge services to Rust.",
        team_size: 6,
        hm: "Mette Lund",
        hm_title: "Head of Platform",
        tags: &["sre", "rust", "remote"],
    },
    Role {
        title: "Senior Mobile Engineer (iOS)",
        company: "Cobalt Mobility",
        location: "Berlin",
        remote: "Office-first in Berlin Mitte, with two flexible home-office days",
        remote_short: "office-first in Berlin",
        salary: "€82,000–96,000",
        expect: &["€92k", "around 90,000 EUR", "€95,000"],
        offer: "€91,000",
        stack: "Swift, SwiftUI and a Kotlin Multiplatform core",
        stack_first: "SwiftUI",
        pitch: "Cobalt runs e-scooter and bike sharing in twelve cities. The app team ships weekly and is small enough that you would own whole features, from design review to App Store release.",
        team_size: 5,
        hm: "Leon Wagner",
        hm_title: "Mobile Lead",
        tags: &["frontend", "berlin"],
    },
    Role {
        title: "Analytics Engineer",
        company: "Juniper Retail",
        location: "London or remote (UK)",
        remote: "Remote within the UK, with a monthly team day in London",
        remote_short: "remote within the UK",
        salary: "£65,000–78,000",
        expect: &["£75k", "around £72,000", "£76,000"],
        offer: "£73,500",
        stack: "SQL, dbt, BigQuery and Looker",
        stack_first: "dbt",
        pitch: "Juniper is an online grocer with a data team that is finally getting the investment it deserves. They need someone to own the core models that finance and operations rely on.",
        team_size: 4,
        hm: "Owen Price",
        hm_title: "Analytics Lead",
        tags: &["data", "london"],
    },
    Role {
        title: "Embedded Rust Engineer",
        company: "Voltaic Robotics",
        location: "Munich or Zurich",
        remote: "On site in Munich or Zurich, because the hardware lives there",
        remote_short: "on site in Munich or Zurich",
        salary: "€90,000–110,000",
        expect: &["€100k", "around 105,000 EUR", "€98,000"],
        offer: "€102,000",
        stack: "Rust (no_std), Embassy and STM32",
        stack_first: "Embassy",
        pitch: "Voltaic builds warehouse robots. The firmware team is moving motor control from C to Rust and wants someone who enjoys oscilloscopes as much as type systems.",
        team_size: 5,
        hm: "Andrea Keller",
        hm_title: "Head of Firmware",
        tags: &["rust", "startups"],
    },
    Role {
        title: "Head of Data",
        company: "Helix Analytics",
        location: "Berlin (hybrid)",
        remote: "Hybrid in Berlin, flexible",
        remote_short: "hybrid in Berlin",
        salary: "€130,000–150,000",
        expect: &["€145k", "around 140,000 EUR"],
        offer: "€142,000",
        stack: "a modern data stack and a team of eleven",
        stack_first: "data platform",
        pitch: "Helix is looking for its first Head of Data to bring the data platform, analytics and data science teams together under one strategy.",
        team_size: 11,
        hm: "Sarah Lindner",
        hm_title: "CEO",
        tags: &["data", "management", "berlin"],
    },
];

/// "an Analytics Engineer", "a Data Engineer".
pub fn with_article(title: &str) -> String {
    let vowel = title.chars().next().is_some_and(|c| "AEIOU".contains(c));
    format!("{} {title}", if vowel { "an" } else { "a" })
}

/// Appends `template` to `out`, replacing `{key}` placeholders with `lookup(key)`.
/// Unknown keys are left as they are.
pub fn fill_into<'v>(out: &mut String, template: &str, lookup: impl Fn(&str) -> Option<&'v str>) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let key = after.find('}').map(|close| &after[..close]).filter(|key| {
            !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        match key.map(|key| (key, lookup(key))) {
            Some((key, Some(value))) => {
                out.push_str(value);
                rest = &after[key.len() + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// The placeholder keys used in `template`.
pub fn keys(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            out.push(&rest[..close]);
        }
    }
    out
}

/// Replaces `{key}` placeholders from a list of pairs.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 128);
    fill_into(&mut out, template, |key| {
        vars.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    });
    out
}

// ---------------------------------------------------------------------------------------
// Subjects.

pub const OUTREACH_SUBJECTS: &[&str] = &[
    "{role} at {company}",
    "{role} at {company} — {remote_short}",
    "Opportunity: {role}, {location}",
    "Quick question about {a_role} role",
    "{company} is hiring {a_role}",
];

pub const CHECKIN_SUBJECTS: &[&str] = &[
    "New role: {role} at {company}",
    "Checking in — {role} at {company}",
    "Something new: {role}",
];

pub const APPLICATION_SUBJECTS: &[&str] = &[
    "Application: {role} at {company}",
    "Applying for the {role} role",
    "{role} position",
];

pub const APPLICATION_SUBJECTS_DE: &[&str] =
    &["Bewerbung als {role}", "Bewerbung: {role} bei {company}"];

pub const RETURN_SUBJECTS: &[&str] = &[
    "Back on the market",
    "Still hiring for {prevrole}?",
    "Hello again",
    "Catching up",
];

// ---------------------------------------------------------------------------------------
// What the team writes. The signature is appended separately.

pub const OUTREACH: &[&str] = &[
    "Hi {greet},

I'm {rfirst}, a recruiter with Northwind. I came across your profile {source} and thought you might be a great fit for a role we're helping {company} fill: {role}.

{pitch}

A few details up front:
- Location: {location}
- Salary: {salary}
- Stack: {stack}

Would you be open to a 20-minute call in the next week or two? If the timing isn't right, no worries at all - just let me know and I won't chase.",
    "Hello {greet},

I hope you're well. I'm reaching out because {company} is hiring {a_role}, and your background stood out to me when I found you {source}.

{pitch} The team is {teamsize} people and works with {stack}.

The role is {remote_short}, and the budget is {salary}. The interview process is short: an intro call with me, a conversation with {hm} ({hmtitle}), a practical exercise and a final chat with the team.

Is this something you'd like to hear more about? Happy to send the full job description first if you prefer reading to talking.",
    "Hi {greet},

Quick one: I'm working on {a_role} search for {company} ({location}, {salary}).

{pitch}

Your experience looks like a strong match - I found you {source}. Interested in a chat?",
    "Dear {greet},

My name is {rname} and I work with {company} on their engineering hiring. They are looking for {a_role} and I think your experience could be very relevant.

{pitch}

What they offer:
- {salary}
- {remote}
- A team of {teamsize} people working with {stack}

If you're curious, reply with a couple of times that suit you and I'll set up a short call. And if you're not looking right now, I'd still love to stay in touch for the future.",
];

pub const SOURCES: &[&str] = &[
    "on GitHub",
    "on LinkedIn",
    "on LinkedIn",
    "after your talk at a meetup last year",
    "through a recommendation from a former colleague of yours",
    "in our talent pool from a previous search",
    "through your blog post on incident reviews",
];

pub const CHECKIN: &[&str] = &[
    "Hi {greet},

Hope all is well since we last spoke about the {prevrole} role at {prevcompany}. I wanted to check in because a new search has just opened that made me think of you: {role} at {company}.

{pitch}

It's {remote_short}, paying {salary}. Worth a chat?",
    "Hi {greet},

It's been a little while! {company} just asked us to find {a_role} and you were the first person I thought of.

{pitch}

Salary is {salary}; location {location}. Let me know if you'd like the details.",
];

pub const FOLLOW_UP: &[&str] = &[
    "Hi {greet},

Just bumping this up in case it got buried. {company} is hoping to have a shortlist by the end of the month, so I wanted to make sure you saw it before then.

Happy to send the job description if that's easier than a call.",
    "Hi {greet},

Following up on my note from last week about the {role} role at {company}. Even a quick \"not for me\" helps - then I won't bother you again about this one.",
    "Hello {greet},

One last nudge on the {role} position - the team at {company} liked your profile a lot. Let me know either way?",
];

pub const ANSWER_QUESTIONS: &[&str] = &[
    "Hi {greet},

Great to hear from you! To your questions:

- Remote: {remote}.
- Salary: the range is {salary}. There's some flexibility for the right person, and there's a bonus component I can walk you through.
- Team: {teamsize} people, reporting to {hm} ({hmtitle}).
- Process: intro call with me, a conversation with {hm}, a practical exercise (paid, max. 3 hours) and a final round with the team. Usually 3-4 weeks end to end.

Would you like to have a quick call this week? Send me a couple of times that work for you.",
    "Hi {greet},

Good questions. {remote}. On-call is a shared rotation, roughly one week in six, with time off in lieu. The budget is {salary}.

Happy to go into more detail on a call - when suits you?",
    "Hi {greet},

Thanks for the quick reply! Here's the short version of the job description:

{pitch}

They work with {stack}. {remote}. Budget: {salary}.

Shall we talk? Let me know a few slots that work.",
];

pub const CONFIRM_CALL: &[&str] = &[
    "Hi {greet},

Perfect, let's do {chosen}. I'll call you on {phone} - if you'd rather do video, here's a link: {link}",
    "Hi {greet},

{chosen} works great. A calendar invite is on its way; the video link is {link}

Looking forward to it!",
];

pub const AFTER_CALL: &[&str] = &[
    "Hi {greet},

Thanks for the great conversation earlier! As discussed, the next step is for me to introduce you to {hm} at {company}. Could you send me an up-to-date CV (PDF is perfect)? I'll add a short summary of our call.

A quick recap of what we discussed:
- {company}'s {role} team, {remote_short}
- Salary expectations around {expect}
- Notice period: {notice}",
    "Hi {greet},

Lovely to speak today. If you can send over your CV, I'll get you in front of {hm} this week - they're keen to move quickly.",
];

pub const AFTER_CALL_HAVE_CV: &[&str] = &[
    "Hi {greet},

Really enjoyed our chat today - thanks for taking the time. I've shared your CV and my notes with {hm}, and I'll let you know as soon as I hear back (usually within a week).",
];

pub const THANKS_CV: &[&str] = &[
    "Thanks {greet}, got it! I've passed it on to {hm} together with my notes. I'll chase them if I haven't heard anything by the end of next week.",
    "Hi {greet},

Received, thank you. It reads really well - I'd maybe move the {stackfirst} project further up, but that's a detail. I've submitted you to {company} and will be in touch.",
];

pub const INTERVIEW_INVITE: &[&str] = &[
    "Hi {greet},

Good news - {company} would like to invite you to a first interview with {hm} ({hmtitle}). It's a 45-minute video call, mostly a conversation about your experience and what you're looking for.

They've suggested:
- {slot1}
- {slot2}
- {slot3}

Which of these works best for you?",
];

pub const INTERVIEW_INVITE_NEXT: &[&str] = &[
    "Hi {greet},

{hm} really enjoyed the conversation and {company} would like to move you to the next round: a technical session with two engineers from the team (90 minutes). Options:
- {slot1}
- {slot2}
- {slot3}

Let me know which you prefer!",
    "Hi {greet},

Next step confirmed: {company} would like you to do their practical exercise and then discuss it with the team. They've blocked these times for the debrief:
- {slot1}
- {slot2}
- {slot3}

The exercise itself takes about three hours and they pay for your time.",
];

/// The last round before an offer.
pub const INTERVIEW_INVITE_FINAL: &[&str] = &[
    "Hi {greet},

You're through to the final round! It's a relaxed conversation with {hm} and two people from the wider team about how you like to work - no more technical questions. They suggested:
- {slot1}
- {slot2}
- {slot3}

This is the last step before a decision, so fingers crossed.",
];

pub const CONFIRM_INTERVIEW: &[&str] = &[
    "Hi {greet},

Confirmed for {chosen}. You'll get a calendar invite from {company} shortly.

A few tips: {hm} likes concrete examples, so have a story ready about a project you're proud of and one that went wrong. Good luck - and call me afterwards if you like!",
    "Great, {chosen} is booked. {hm} will send the invite. Let me know how it goes!",
];

pub const FEEDBACK_GOOD: &[&str] = &[
    "Hi {greet},

Great news: {hm} was very positive about your interview - they particularly liked how you talked about trade-offs. They'd like to move forward, and I'll be in touch with next steps shortly.",
    "Hi {greet}, quick update: the feedback from {company} is really good. They're keen to keep going!",
    "Hi {greet},

I just spoke to {hm}. The team enjoyed the session and would like to continue. To your question about on-call: it's a rotation of six people, one week at a time, with a paid allowance and a quiet period after any night-time page.",
    "Hi {greet},

Good news from {company}: they were impressed, especially with how you approached the {stackfirst} questions. Next steps coming shortly!",
];

pub const FEEDBACK_BAD: &[&str] = &[
    "Hi {greet},

I'm sorry to say {company} has decided to move forward with another candidate whose experience is a bit closer to their current stack. {hm} asked me to pass on that they enjoyed meeting you and would be happy to reconnect in the future.

I know this is disappointing. I'll keep you in mind for similar roles - there are a couple in the pipeline that could be an even better fit.",
    "Hi {greet},

Unfortunately {company} has paused the {role} search after a reorganisation, so they won't be moving forward with any candidates for now. Really sorry - I know you were keen. I'll let you know if it reopens.",
];

pub const OFFER: &[&str] = &[
    "Hi {greet},

I'm delighted to tell you that {company} would like to make you an offer for the {role} position! The headline numbers: base salary of {offer}, {vacation} days of holiday and a start date of your choosing within your notice period.

The written offer will come directly from {company}'s people team. Shall we jump on a call to go through it?",
];

pub const OFFER_ANSWER: &[&str] = &[
    "Hi {greet},

I spoke to {company}: they can go up a little on the base and are happy with the start date you suggested. The updated offer letter should arrive tomorrow.",
];

pub const CONGRATS: &[&str] = &[
    "Congratulations, {greet}! That's brilliant news. I'll check in after your first few weeks to see how it's going. Enjoy the rest of your notice period!",
];

pub const STAY_IN_TOUCH: &[&str] =
    &["Will do, {greet} - thanks for being so gracious about it. Talk soon."];

pub const ACK_NOT_NOW: &[&str] = &[
    "Totally understood, {greet} - good luck with the project! I've made a note to check in with you in {month}.",
    "No problem at all, {greet}. I'll get back to you in {month} - and feel free to reach out earlier if anything changes.",
];

pub const ACK_DECLINE: &[&str] = &[
    "Thanks for letting me know, {greet}, and good luck with everything!",
    "Understood - thanks for the quick reply, {greet}. All the best!",
];

pub const ACK_NEAR_MISS: &[&str] =
    &["Will do, {greet}! I'll keep an eye out for {interest} roles and let you know."];

pub const ACK_REFERRAL: &[&str] =
    &["That's really kind of you, {greet} - thank you! I'll reach out to {friend} today."];

pub const CALL_BOOKED: &[&str] = &[
    "Perfect - invite sent for {chosen}. Talk then!",
    "Great, {chosen} it is. I'll call you on {phone}.",
];

pub const ACK_APPLICATION: &[&str] = &[
    "Hi {greet},

Thanks for your application for the {role} role at {company} - your background looks relevant. Before I put you forward, a few quick questions:

1. What are your salary expectations?
2. What's your notice period?
3. Do you have the right to work in the EU, or would you need sponsorship?",
];

pub const PROPOSE_CALL: &[&str] = &[
    "Hi {greet},

Thanks, that all fits. Let's have a proper chat - would any of these work?
- {slot1}
- {slot2}
- {slot3}",
    "Great to hear from you, {greet}! Yes - {company} is hiring and there's {a_role} role that could suit you. Could we catch up on the phone? I'm free {slot1} or {slot2}.",
];

// ---------------------------------------------------------------------------------------
// What candidates write. They sign themselves ({sign}).

pub const INTERESTED: &[&str] = &[
    "Hi {rfirst},

Thanks for reaching out - this sounds interesting. I've been at my current place for almost {years} years and I'd be open to a move for the right team.

A couple of questions before we talk:
1. Is the role fully remote, or is there an office expectation?
2. Is the salary range flexible for someone more senior?

Best,
{sign}",
    "Hello {rfirst},

Yes, I'd be happy to hear more. {company} is a name I know - a friend worked there a few years ago and liked it. What does the interview process look like?

Thanks,
{sign}",
    "Hi {rfirst}, thanks! Timing is actually pretty good, I've been thinking about a change. What's the team size and who would I report to?

{sign}",
    "Hi {rfirst},

Interesting, thanks for thinking of me. I'm mostly curious about how much of the work is greenfield vs. maintenance, and whether they sponsor conference travel. Could you share the job description?

Cheers,
{sign}",
];

pub const ASK_QUESTIONS: &[&str] = &[
    "Hi {rfirst},

Before I say yes or no: what's the salary range exactly, and is remote from {country} possible? I'm not willing to relocate at the moment.

Regards,
{sign}",
    "Hi,

Thanks for the message. Could you tell me the company's stance on remote work and the on-call expectations? Those are the two things that matter most to me right now.

{sign}",
];

pub const PROPOSE_TIMES: &[&str] = &[
    "Hi {rfirst},

Thanks, that all sounds good. I could do a call on {slot1} or {slot2}. If neither works, {slot3} is also fine.

My number is {phone}.

Best,
{sign}",
    "Sounds good! How about {slot1}? Alternatively {slot2}.

{sign}",
    "Hi {rfirst},

Thanks for the details - the range works for me. I'm free {slot1}, {slot2} or {slot3}. Video or phone, whatever is easier for you.

{sign}",
];

pub const SEND_CV: &[&str] = &[
    "Hi {rfirst},

Thanks for the call today! Please find my CV attached. Let me know if you need anything else (references, GitHub links...).

Best,
{sign}",
    "Hello {rfirst},

Attached is my CV. I updated it yesterday, so it includes my current project.

{sign}",
    "Hi {rfirst}, here you go - CV attached. Looking forward to hearing what {company} thinks!

{sign}",
];

pub const PICK_SLOT: &[&str] = &[
    "Hi {rfirst},

Great news, thanks! {chosen} works best for me.

{sign}",
    "{chosen} please! Thanks {rfirst}.

{sign}",
];

pub const ACCEPT_CALL_TIME: &[&str] = &[
    "{chosen} works for me. Talk then!

{sign}",
    "Hi {rfirst},

Let's do {chosen}. You can reach me on {phone}.

{sign}",
];

pub const DEBRIEF: &[&str] = &[
    "Hi {rfirst},

Just finished the interview with {hm}. I think it went well - we talked a lot about {stackfirst} and how the team handles incidents. They mentioned they'd get back within a week. Any early feedback?

{sign}",
    "Hi {rfirst}, quick update: the interview was good, but I wasn't sure about the on-call setup. Could you find out a bit more about that?

{sign}",
];

pub const OFFER_QUESTION: &[&str] = &[
    "Hi {rfirst},

Wow, thank you! That's great news. Two questions before I sign: is there any flexibility on the base salary (I was hoping for a bit more given the on-call), and can I start on the 1st of the month after my notice period ends?

{sign}",
];

pub const ACCEPT: &[&str] = &[
    "Hi {rfirst},

I've signed the offer - thank you so much for your help throughout the process!

{sign}",
    "Hi {rfirst}, signed and sent back! Thanks for everything.

{sign}",
];

pub const DISAPPOINTED: &[&str] = &[
    "Hi {rfirst},

Thanks for letting me know, and for being straightforward about it. A pity, but I understand. Please do keep me in mind for similar roles.

{sign}",
];

pub const NOT_NOW_SPRING: &[&str] = &[
    "Hi {rfirst},

Thanks for thinking of me. The role sounds good, but the timing isn't - I just started a big project and don't want to leave in the middle of it. Not now, but maybe in spring? Feel free to get back to me in {month}.

Best,
{sign}",
    "Hi {rfirst}, not now, unfortunately - we've got a product launch coming up. But maybe in spring I'd be open to talking.

{sign}",
];

pub const NOT_NOW_LATER: &[&str] = &[
    "Hi {rfirst},

Thanks for thinking of me. The timing isn't right - we're in the middle of a big migration and I'd like to see it through. Could you get back to me after the summer, maybe in {month}?

Best,
{sign}",
];

pub const DECLINE: &[&str] = &[
    "Hi {rfirst},

Thanks for the message, but I'm happy in my current role and not looking to move. All the best with the search!

{sign}",
    "Hello, thank you - the salary range is unfortunately below what I'm earning now, so I'll pass on this one.

{sign}",
];

pub const NEAR_MISS: &[&str] = &[
    "Hi {rfirst},

I'm not interested in this role, but keep me posted if something more on the {interest} side comes up. I might be open to a change later this year.

Thanks,
{sign}",
];

pub const REFERRAL: &[&str] = &[
    "Hi {rfirst},

Not for me right now, but my former colleague {friend} might be a great fit - they're looking for something new and know {stackfirst} really well. You can reach them at {friendmail}; feel free to mention my name.

{sign}",
];

/// Opt-out requests by language: en, de, fr, es.
pub const OPT_OUT: &[&str] = &[
    "Hi,

Please unsubscribe me and remove me from your list. I am not looking for a new job and don't want to receive any more emails about roles.

{sign}",
    "Hallo,

bitte keine weiteren E-Mails an diese Adresse. Ich bin nicht auf Jobsuche und möchte nicht mehr kontaktiert werden.

Danke und viele Grüße
{sign}",
    "Bonjour,

Merci de ne plus me contacter. Je ne suis pas à la recherche d'un poste et je souhaite être retiré(e) de vos listes.

Cordialement,
{sign}",
    "Hola,

Por favor, no me envíen más correos. No estoy buscando trabajo y no quiero recibir más ofertas.

Gracias,
{sign}",
];

pub const APPLICATION: &[&str] = &[
    "Hello Northwind team,

I saw the {role} position at {company} on your website and would like to apply. I have {years} years of experience, most recently working with {stack}.

My CV is attached. I'm based in {city} and my notice period is {notice}.

Kind regards,
{full}",
    "Hi there,

A friend pointed me to Northwind - she said you place a lot of people at {company}. I'd love to be considered for the {role} role. CV attached!

Best,
{sign}",
];

pub const APPLICATION_DE: &[&str] = &["Sehr geehrte Damen und Herren,

hiermit bewerbe ich mich auf die Stelle als {role} bei {company}. Ich habe {years} Jahre Berufserfahrung und arbeite derzeit in {city}. Meinen Lebenslauf finden Sie im Anhang.

Mit freundlichen Grüßen
{full}"];

pub const ANSWER_APPLICATION: &[&str] = &["Hi {rfirst},

Thanks for getting back to me so quickly.

1. Around {expect}.
2. {notice}.
3. {workright}

{sign}"];

pub const RETURN: &[&str] = &[
    "Hi {rfirst},

It's been a while! Things have changed on my side and I'm now actively looking. Is {prevcompany} still hiring for the {prevrole} role, or do you have anything similar?

Best,
{sign}",
    "Hello {rfirst}, you mentioned I could get back to you when the timing was better - it is now :) Do you have anything in the {interest} space?

{sign}",
];

pub const NUDGE: &[&str] = &[
    "Hi {rfirst},

Any news from {company}? It's been a little while and I have another process moving forward, so it would help to know where things stand.

Thanks,
{sign}",
    "Hi {rfirst}, quick question - is there any update on the {role} role?

{sign}",
    "Hi {rfirst},

One more question before the next step: is there flexibility on the start date? I'd need to give {notice} notice.

{sign}",
];

pub const NUDGE_LATE: &[&str] = &[
    "Hi {rfirst},

Sorry for the slow reply! Are any of those times still possible, or could we find new ones next week?

{sign}",
];

/// Out-of-office replies by language: (subject prefix, body).
pub const AUTO_REPLY: &[(&str, &str)] = &[
    (
        "Automatic reply: ",
        "Thank you for your email. I am out of the office until {returndate} with limited access to email.

For urgent matters please contact my colleague at {colleague}.

Best regards,
{full}",
    ),
    (
        "Abwesenheitsnotiz: ",
        "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich {returndate} nicht im Büro und habe keinen Zugriff auf meine E-Mails.

In dringenden Fällen wenden Sie sich bitte an {colleague}.

Mit freundlichen Grüßen
{full}",
    ),
    (
        "Réponse automatique : ",
        "Bonjour,

Je suis absent(e) jusqu'au {returndate} inclus, avec un accès limité à mes e-mails.

Pour toute urgence, merci de contacter {colleague}.

Cordialement,
{full}",
    ),
    (
        "Out of Office: ",
        "I'm currently out of office until {returndate}. I'll reply when I'm back.

{full}",
    ),
];

pub const NOTICE: &[&str] = &[
    "one month",
    "three months",
    "six weeks",
    "two weeks",
    "three months to the end of a quarter",
];

pub const WORK_RIGHT_EU: &[&str] = &[
    "I'm an EU citizen, so no sponsorship needed.",
    "EU passport, no visa needed.",
];

pub const WORK_RIGHT_OTHER: &[&str] = &[
    "I'd need a visa - I'm currently in {country}, but I qualify for an EU Blue Card.",
    "I'm on a Blue Card at the moment, so a change of employer needs a quick notification, nothing more.",
];

/// A small but well-formed PDF standing in for a CV.
pub fn fake_cv_pdf(name_ascii: &str, role: &str) -> Vec<u8> {
    let text = format!("({name_ascii} - Curriculum Vitae - {role}) Tj");
    let stream = format!("BT /F1 14 Tf 72 720 Td {text} ET");
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n4 0 obj << /Length {} >> stream\n{stream}\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        stream.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_keys_only() {
        assert_eq!(
            fill("Hi {greet}, {x} {", &[("greet", "Zoë")]),
            "Hi Zoë, {x} {"
        );
        assert_eq!(fill("{a}{b}", &[("a", "1"), ("b", "2")]), "12");
        assert_eq!(fill("{slot1} {}", &[("slot1", "Mon")]), "Mon {}");
    }

    #[test]
    fn role_tags_are_in_vocabulary() {
        for r in ROLES {
            for t in r.tags {
                assert!(INTERESTS.contains(t), "{t}");
            }
        }
    }
}
