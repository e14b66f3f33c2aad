"""Everyday one-off requests: how-to questions, account changes, feature wishes, small faults.

A request is an intent (what the customer wants) applied to a feature of a product,
so the many combinations, each worded several ways, spread over a wide space instead
of forming a few obvious clusters.
"""

from __future__ import annotations

FEATURES = {
    "Billing": ("invoices", "payment methods", "tax settings", "credit notes", "receipts", "the billing contact",
                "our subscription", "seat count", "purchase orders", "the plan comparison page"),
    "File Sync": ("shared folders", "selective sync", "version history", "the desktop client", "file locking",
                  "external sharing links", "the trash / deleted files", "folder permissions", "storage quota",
                  "LAN sync"),
    "Mobile App": ("offline mode", "photo uploads", "the home screen widget", "dark mode", "the scanner",
                   "biometric login", "the iPad layout", "background upload", "the mobile search", "app language"),
    "Reports": ("dashboards", "custom fields in reports", "report filters", "the pivot view", "chart colours",
                "sharing dashboards", "the date picker", "report templates", "KPI tiles", "the Excel add-in"),
    "API": ("webhooks", "API keys", "pagination", "OAuth apps", "the sandbox", "the Python SDK",
            "the audit log endpoint", "bulk import endpoint", "API versioning", "idempotency keys"),
    "Account & Login": ("user roles", "the audit log", "team invitations", "authenticator apps", "account owner",
                        "session timeout", "login history", "email change", "guest accounts", "IP allow-listing"),
}

# Intent -> (subject templates, body templates, agent fix phrases). ``<feature>`` is the feature.
INTENTS = {
    "how_to": (
        ("How do I {set up|use|change} <feature>?", "Question about <feature>", "<feature> - how to?",
         "Help with <feature>", "Where do I find <feature>?"),
        ("{How do I|How can I|What's the way to} {set up|configure|change|use} <feature>{ for our team|"
         " in <product>|}? {I couldn't find it in the help centre.|The docs weren't clear.|}",
         "{Quick question:|Question -} where {is|are} <feature> in the new {menu|layout|settings}?",
         "{We're|I'm} {new to|just starting with} <product> and {don't understand|can't work out} how <feature> "
         "{is supposed to work|works}.",
         "Is there a {guide|video|help article} {for|on} <feature>? {Our new starter|A colleague} is asking."),
        ("you'll find this under Settings > <product> > <feature>; I've sent you our step-by-step guide",
         "I've walked through <feature> with you and sent the help-centre article"),
    ),
    "feature_request": (
        ("Feature request: <feature>", "Suggestion for <feature>", "Would be great if <feature> could...",
         "Idea - <feature>", "Any plans for <feature>?"),
        ("{It would be great|It'd be really useful|We'd love it} if <feature> {could|supported} {bulk "
         "changes|exporting to PDF|more than one owner|keyboard shortcuts|a dark theme|scheduling}.",
         "{Is there a roadmap|Are there plans} for <feature> to {support|handle} {multiple currencies|sub-"
         "accounts|read-only users|Slack alerts}?",
         "{Feedback|Suggestion}: <feature> {is missing|lacks} {filters|a search box|an undo button|sorting}, "
         "{which|and that} {slows us down|costs us time every week}."),
        ("I've logged this as a feature request with the <product> product team",
         "I've added your vote to the existing request for <feature>"),
    ),
    "account_change": (
        ("Change {to|of} <feature>", "Please update <feature>", "Update our account details",
         "Request: change <feature>", "Account admin change"),
        ("{Please|Could you} {change|update} <feature> on our account {to|so it uses} <email>{ from next "
         "month|}.",
         "{Our|The} previous admin {left the company|has left}; {please|can you} {make|transfer ownership to} "
         "<email>{ the new owner|}?",
         "{We need to|Please} {remove|add} <n> {users|seats} and {update|review} <feature>.",
         "{Can you|Please} {update|correct} {our company name|the registered address} on <feature>? "
         "{It should read|Correct name:} <org>."),
        ("I've updated <feature> on your account as requested", "the change to <feature> is done"),
    ),
    "billing_question": (
        ("Question about {our|my} {invoice|bill|charge}", "Charged {twice|the wrong amount}?",
         "Refund request", "{Unexpected|Unknown} charge", "Billing {query|question}"),
        ("We were charged <amount> on <weekday> but {our plan|the quote} {says|was} {less|different}. "
         "{Can you explain?|Why?|}",
         "{It looks like|I think} {we've been|we were} {charged twice|double charged} for {October|this month|"
         "<feature>}; {please refund|can you refund} the {duplicate|extra} payment.",
         "{Can we|Is it possible to} {switch|move} to annual billing {and get|with} a pro-rata credit?",
         "{Please send|Could you send} a {receipt|VAT receipt|copy of the invoice} for <amount> {to|to our "
         "accounts team at} <email>."),
        ("I've issued a refund of the duplicate charge, it takes 3-5 working days to appear",
         "I've sent the receipt and corrected the billing details"),
    ),
    "small_fault": (
        ("<feature> not {working|loading}", "{Error|Problem} with <feature>", "<feature> {bug|glitch}",
         "Something wrong with <feature>", "<feature> {broken|misbehaving}?"),
        ("{When I|If I} {open|click on|use} <feature> {in <browser>|on the desktop|} {nothing happens|"
         "I get a spinning wheel|the page goes blank|it shows error E<n>}.",
         "<feature> {shows|displays} {the wrong|old} {data|numbers|names} {for|since} <weekday>.",
         "{Since|After} <weekday> <feature> {is|has been} {really slow|very slow|timing out} for {me|us}.",
         "{A|One} {button|link|menu} in <feature> {does nothing|is greyed out} {for|when logged in as} "
         "{one user|our admin|<email>}."),
        ("I've cleared the cached settings for <feature> on your account and it loads correctly",
         "a configuration on your account was wrong; I've corrected <feature>"),
    ),
    "data_request": (
        ("{Data|GDPR} request", "Delete our {data|account}", "Export all our data",
         "Data retention question", "DPA / security questionnaire"),
        ("{Under GDPR|As per our contract}, {please|we need you to} {delete|export} all {data|records} for "
         "{a former employee|<email>}.",
         "{Can you send|Please send} {your|the} {DPA|data processing agreement|security questionnaire answers}"
         " for our {procurement|IT} team?",
         "{How long|For how long} do you {keep|retain} {deleted files|audit logs|backups} {after|once} "
         "{we cancel|a user is removed}?"),
        ("I've completed the data request and sent the confirmation", "I've sent the DPA and our security pack"),
    ),
    "integration": (
        ("Integration with {Xero|Slack|Salesforce|QuickBooks|Teams|HubSpot}", "Connect <product> to "
         "{Xero|Slack|Zapier}", "{Xero|Slack|Zapier} integration question"),
        ("{Does|Can} <product> {integrate|connect} with {Xero|QuickBooks|Salesforce|HubSpot|Microsoft Teams}"
         "{ and how|? We use it for everything}?",
         "{Our|The} {Slack|Teams|Zapier} integration {disconnected|stopped posting} {after|when} we "
         "{changed|renamed} <feature>.",
         "{How do I|Can I} {map|sync} <feature> {to|with} {Xero|Salesforce} {fields|objects}?"),
        ("I've reconnected the integration and confirmed the mapping for <feature>",
         "you can set this up in Settings > Integrations; I've sent the guide"),
    ),
    "cancellation": (
        ("Cancel {our|my} subscription", "{Downgrade|Change} plan", "Cancellation request",
         "Pause account?", "Leaving Northwind"),
        ("{We'd like to|Please} {cancel|downgrade} {our|the} subscription {at the end of the month|from "
         "next renewal|now}{. We're consolidating tools.|, budget cuts I'm afraid.|}",
         "{Can we|Is it possible to} {pause|freeze} our account {over the summer|for three months} "
         "{instead of cancelling|}?",
         "{Please|Could you} move us to the Starter plan; we {only need|only use} <feature>."),
        ("I've scheduled the plan change for your renewal date", "your subscription change is confirmed"),
    ),
}
INTENT_WEIGHTS = {"how_to": 0.24, "feature_request": 0.09, "account_change": 0.13, "billing_question": 0.12,
                  "small_fault": 0.22, "data_request": 0.05, "integration": 0.08, "cancellation": 0.07}
