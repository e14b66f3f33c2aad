"""Everyday one-off requests: how-to questions, small faults, account changes, billing questions...

A request combines an intent (what the customer wants) with a product feature, an
action, a circumstance and a symptom, each drawn from its own list, and each intent
is worded many ways. The space of combinations is much larger than the number of
tickets, so one-off tickets spread thinly instead of forming large clusters that
would look like upstream problems.
"""

from __future__ import annotations

from dataclasses import dataclass

FEATURES = {
    "Billing": ("invoices", "payment methods", "tax settings", "credit notes", "receipts", "the billing contact",
                "our subscription", "seat count", "purchase orders", "the plan comparison page"),
    "File Sync": ("shared folders", "selective sync", "version history", "the desktop client", "file locking",
                  "external sharing links", "the trash", "folder permissions", "storage quota", "LAN sync"),
    "Mobile App": ("offline mode", "photo uploads", "the home screen widget", "dark mode", "the document scanner",
                   "Face ID login", "the iPad layout", "background upload", "mobile search", "the app language"),
    "Reports": ("dashboards", "custom fields", "report filters", "the pivot view", "chart colours",
                "dashboard sharing", "the date picker", "report templates", "KPI tiles", "the Excel add-in"),
    "API": ("webhooks", "API keys", "pagination", "OAuth apps", "the sandbox", "the Python SDK",
            "the audit log endpoint", "the bulk import endpoint", "API versioning", "idempotency keys"),
    "Account & Login": ("user roles", "the audit log", "team invitations", "authenticator apps", "the account owner",
                        "session timeout", "login history", "email addresses", "guest accounts",
                        "IP allow-listing"),
}
VERBS = ("set up", "turn off", "change", "reset", "share", "export", "copy", "restrict", "rename", "schedule",
         "merge", "move", "archive", "restore", "limit", "hide", "translate", "print", "sort", "back up",
         "filter", "lock", "transfer", "bulk edit")
ASPECTS = ("for one team only", "for guest users", "across two workspaces", "on the iPad", "without admin rights",
           "in bulk", "for last year's data", "when someone leaves", "in German", "for our accountant",
           "with read-only access", "from the command line", "before our renewal", "for a second office",
           "by department", "on Windows laptops", "for a shared mailbox", "every Monday morning",
           "for a client who isn't a user", "for our franchise sites", "for temporary staff", "on Chromebooks",
           "for a project that has ended", "for more than 500 items", "in a different currency",
           "for the board pack", "for an audit", "for our Dublin office", "during a migration",
           "for our reseller", "with our own logo", "for contractors", "for the night shift",
           "for a subsidiary", "for an archived customer", "on a Linux server", "for a test account",
           "in the EU data centre", "for a trainee", "without losing history")
SYMPTOMS = ("shows error E<n>", "won't save my changes", "keeps loading", "shows yesterday's figures",
            "duplicates some entries", "is missing two of our users", "ignores the filter I set",
            "freezes the browser tab", "shows in the wrong language", "has a button hidden behind the menu",
            "sends the notification twice", "rounds the amounts wrongly", "sorts by surname instead of first name",
            "logs me out", "shows a blank square instead of the logo", "cuts off long names",
            "shows times in UTC", "displays the old company name", "asks me to log in again every few minutes",
            "puts the decimal point in the wrong place", "shows an empty list", "lets me click but nothing changes",
            "opens the wrong record", "forgets my column widths", "shows the help panel over the data",
            "jumps back to the top", "can't find anything older than March", "shows a red warning triangle",
            "counts archived items", "prints on two pages")
WHENS = ("since we renamed our workspace", "only for one colleague", "on the iPad", "after I changed my password",
         "when I use Safari", "only in the afternoons", "since the last update", "when I'm on the VPN",
         "for anything created before <weekday>", "only on my second monitor", "when two of us edit at once",
         "since our admin changed roles", "when the list is long", "after importing from our old system",
         "only for our Dublin team", "every time I refresh", "when I use keyboard shortcuts",
         "since we added a new user", "on the mobile data connection", "when I zoom out")
SITUATIONS = ("We're onboarding <n> new staff next week.", "Our auditor asked about this.",
              "It's for our month-end.", "The trial ends {on Friday|next week|this month}.",
              "I'm covering for our admin who is away.",
              "We're a charity, if that matters.", "Our IT partner set this up originally.",
              "We're moving from a competitor.", "Our board meets {on Thursday|next week}.",
              "Our old system did this.",
              "I'm new in this role.", "A client is waiting on this.", "We have <users> users.",
              "Our office is closed on Fridays.", "This is for a pilot with <n> people.",
              "Our reference: <order>.", "Related to <order>.")


@dataclass(frozen=True)
class Intent:
    """A kind of everyday request: subjects, bodies and agent fixes, its share and (optionally) its product."""

    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    fixes: tuple[str, ...]
    weight: float
    product: str | None = None


INTENTS = {
    "how_to": Intent(
        ("How {do I|to|can I} <verb> <feature>?", "Question about <feature>", "<feature> - how to <verb>?",
         "Help with <feature> <aspect>", "Where do I <verb> <feature>?", "<verb> <feature> <aspect>?",
         "Quick question ({<feature>|<product>})"),
        ("{How do I|How can I|What's the way to|Is it possible to|Can I} <verb> <feature> <aspect>?",
         "{Quick question:|Question -|Hi, question:} {where|how} {do I|can we} <verb> <feature> <aspect>?",
         "{We're|I'm} {new to|just starting with|still learning} <product> and {can't work out|don't see} how to "
         "<verb> <feature> <aspect>.",
         "{Is there a {guide|video|help article}|Do you have {docs|instructions}} {for|on} how to <verb> "
         "<feature> <aspect>?",
         "{We need to|I'd like to|My manager wants us to} <verb> <feature> <aspect>. {What are the steps?|"
         "Where is that?|Is that possible?}",
         "{Can|Does} <product> {let us|allow us to} <verb> <feature> <aspect>, or is that not {supported|"
         "possible}?"),
        ("you can <verb> <feature> under Settings > <product>; I've sent the step-by-step guide",
         "I've walked through how to <verb> <feature> with you and sent the help-centre article",
         "I've enabled the option to <verb> <feature> on your account and sent instructions"),
        0.27,
    ),
    "small_fault": Intent(
        ("<feature> <symptom>", "{Error|Problem|Issue} with <feature>", "<feature> {bug|glitch}?",
         "Something wrong with <feature>", "<feature> not {working|right} <when>", "<product>: <feature> issue"),
        ("{When I|If I|Whenever I} {open|click on|use|go to} <feature> it <symptom> <when>.",
         "<feature> <symptom> <when>{.|, which is odd.|, is that expected?}",
         "{Since|From} <weekday>, <feature> <symptom>{ for me| for us|}. {It happens|This is} <when>.",
         "{Small thing|Not urgent|Minor issue} but <feature> <symptom> <when>.",
         "{I noticed|We noticed|A colleague noticed} that <feature> <symptom>. {Only|It's} <when>."),
        ("I've reset the cached settings for <feature> on your account and it now behaves correctly",
         "a setting on your account was wrong; I've corrected <feature>",
         "our developers patched <feature> for this case this morning"),
        0.25,
    ),
    "account_change": Intent(
        ("{Change|Update} {to|of} <feature>", "Please update <feature>", "Update our account details",
         "Request: <verb> <feature>", "Account admin change", "{New|Change of} account owner"),
        ("{Please|Could you} {change|update} <feature> on our account {to use|for} <email>{ from next month|}.",
         "{Our|The} previous {admin|account owner} {left the company|has left|retired}; {please|can you} "
         "{make|transfer ownership to} <email>?",
         "{We need to|Please} {remove|add} <n> {users|seats|guest users} and <verb> <feature> <aspect>.",
         "{Can you|Please} {update|correct} {our company name|the registered address|our billing address} "
         "{on|for} <feature>? {It should read|Correct name:} <org>.",
         "{Please|Could you} <verb> <feature> <aspect>; {I don't have|my account doesn't have} the rights."),
        ("I've updated <feature> on your account as requested", "the change to <feature> is done",
         "I've transferred the ownership and updated <feature>"),
        0.12,
    ),
    "billing_question": Intent(
        ("Question about {our|my} {invoice|bill|charge|renewal}", "{Charged twice|Wrong amount|Unexpected charge}?",
         "{Refund|Credit} request", "Billing {query|question} - <org>", "{Annual|Yearly} billing?",
         "{Price|Pricing} question", "Invoice {address|details} {wrong|change}"),
        ("We were charged <amount> on <weekday> but {our plan|the quote|the order form} {says|was} "
         "{<amount>|less|different}. {Can you explain?|Why?|}",
         "{It looks like|I think|Our finance team says} {we've been|we were} {charged twice|double charged|billed "
         "twice} for {October|November|this month|the same seats}; {please refund|can you refund|please credit} "
         "the {duplicate|extra|second} payment.",
         "{Can we|Is it possible to|Could we} {switch|move|change} to {annual|yearly|12-month} billing {and get "
         "a|with a|including} {pro-rata|prorated|partial} credit {for the remaining months|for this month|}?",
         "{Please send|Could you send|We need} a {receipt|VAT receipt|copy of the invoice|credit note} for "
         "<amount> {to|to our accounts team at|addressed to} <email>.",
         "{Why did|How come} our {renewal|monthly bill|invoice} {go up|increase|jump} {to|by} <amount>"
         "{ this year| this month|}?",
         "{Do you offer|Is there} a {nonprofit|charity|education|startup} {discount|rate|price}{ for <n> seats|}?",
         "{Our|The} {renewal|card payment} {failed|bounced} because {the card expired|of a new card}; "
         "{how do we|can you} {retry|take} the payment of <amount>?",
         "{Can you add|Please put} our {PO number|purchase order|cost centre} {<n>4<n>7|PO-<n><n>1} {on|to} "
         "{the invoices|invoice <invoice>|future invoices}?",
         "{We removed|We dropped} <n> seats {last month|in <weekday>'s admin change} but {were still|are still "
         "being} charged {for them|the old amount}.",
         "{Can we pay|Is paying} by {bank transfer|direct debit|SEPA|invoice} instead of card?",
         "{Please|Can you} change the {currency|billing currency} {from|} {GBP|USD} {to|into} {EUR|euros} "
         "{from the next invoice|for our Dublin entity}."),
        ("I've issued a refund of <amount>; it takes 3-5 working days to appear",
         "I've sent the receipt and corrected the billing details",
         "I've applied the credit to your next invoice"),
        0.1, "Billing",
    ),
    "feature_request": Intent(
        ("Feature request: <feature>", "Suggestion {for|about} <feature>", "Would be great if <feature> could...",
         "Idea - <verb> <feature> <aspect>", "Any plans for <feature>?", "Missing option in <feature>"),
        ("{It would be great|It'd be really useful|We'd love it} if {we could|you let us} <verb> <feature> "
         "<aspect>.",
         "{Is there a roadmap|Are there plans|Any chance} for <feature> to {support|handle|allow} {multiple "
         "currencies|sub-accounts|read-only users|Slack alerts|custom colours|approvals|templates} <aspect>?",
         "{Feedback|Suggestion|Wish list}: <feature> {is missing|lacks|needs} {filters|a search box|an undo "
         "button|sorting|a print view|bulk actions}, {which|and that} {slows us down|costs us time every week|"
         "annoys the team}.",
         "{Please consider|Could you consider} {letting|allowing} admins <verb> <feature> <aspect>."),
        ("I've logged this as a feature request with the <product> product team",
         "I've added your vote to the existing request for <feature>"),
        0.08,
    ),
    "integration": Intent(
        ("Integration with {Xero|Slack|Salesforce|QuickBooks|Teams|HubSpot|Zapier|Sage}",
         "Connect <product> to {Xero|Slack|Zapier|Sage}", "{Xero|Slack|Zapier|HubSpot} {sync|integration} question"),
        ("{Does|Can} <product> {integrate|connect|sync} with {Xero|QuickBooks|Salesforce|HubSpot|Microsoft "
         "Teams|Sage|Google Sheets}{ and how| for <feature>|}?",
         "{Our|The} {Slack|Teams|Zapier|HubSpot} {integration|connection} {disconnected|stopped posting|"
         "stopped syncing} {after|when} we {changed|renamed} <feature>.",
         "{How do I|Can I} {map|sync|push} <feature> {to|with|into} {Xero|Salesforce|HubSpot|Sage} "
         "{fields|objects|records} <aspect>?"),
        ("I've reconnected the integration and confirmed the mapping for <feature>",
         "you can set this up in Settings > Integrations; I've sent the guide"),
        0.07,
    ),
    "cancellation": Intent(
        ("Cancel {our|my} subscription", "{Downgrade|Change} {plan|subscription}", "Cancellation{ request|}",
         "Pause {account|subscription}?", "{Leaving|Moving away from} Northwind", "Reduce {seats|licences}"),
        ("{We'd like to|Please|We need to} {cancel|downgrade|end} {our|the} subscription {at the end of the month|"
         "from the next renewal|now|after <weekday>}{. We're consolidating tools.|, budget cuts I'm afraid.|. "
         "The project ended.|. We're merging with another company.|}",
         "{Can we|Is it possible to|Could we} {pause|freeze|suspend} {our|the} account {over the summer|for "
         "three months|until January} {instead of cancelling|rather than cancel|}?",
         "{Please|Could you} move us to the {Starter|Business} plan; we {only need|only use|mostly use} "
         "<feature>.",
         "{We only have|We're down to} <n> active users, {please|can you} reduce our {seats|licences} "
         "{accordingly|from the next invoice}.",
         "{Our contract|The annual term} {ends|renews} {in March|next month|on the 30th}; {we won't be renewing|"
         "please don't auto-renew|we want to give notice}.",
         "{What happens to|Will we lose} our {files|data|reports} {if|when} we {cancel|downgrade|close the "
         "account}? {We'd like|We need} {an export first|a copy first|to keep the invoices}.",
         "{We're switching|We've decided to switch} to {another provider|Microsoft 365|Google Workspace|a "
         "competitor} {for <feature>|for everything|}; {how do we|what's the process to} {close|wind down} "
         "the account?",
         "{Is there a|What's the} {notice period|cancellation fee|minimum term} {on|for} the {Business|annual|"
         "Starter} plan?",
         "{Please|Can you} {remove|stop} the {add-on|extra storage|premium support} {from|on} our "
         "{subscription|plan} {from next month|at renewal}."),
        ("I've scheduled the plan change for your renewal date", "your subscription change is confirmed"),
        0.045, "Billing",
    ),
    "data_request": Intent(
        ("{Data|GDPR|Privacy} request", "{Delete|Remove} {our|a user's} {data|account}",
         "Export all our {data|files}", "Data retention question", "{DPA|Security questionnaire} request"),
        ("{Under GDPR|As per our contract|For compliance}, {please|we need you to} {delete|export|anonymise} "
         "all {data|records|files} for {a former employee|<email>|our old subsidiary}.",
         "{Can you send|Please send|Where can I find} {your|the} {DPA|data processing agreement|security "
         "questionnaire answers|ISO 27001 certificate|list of sub-processors} for our {procurement|IT|legal} team?",
         "{How long|For how long} do you {keep|retain|store} {deleted files|audit logs|backups|chat transcripts} "
         "{after|once} {we cancel|a user is removed|a file is deleted}?",
         "{Where|In which country} {is|do you store} our data {stored|hosted|}{, we need it in the EU|}?",
         "{A customer|One of our clients|A former employee} {asked for|made} a {subject access request|"
         "SAR|data request}; {how do we|can you help us} {find|export} everything {about them|we hold} "
         "{in|from} <feature>?",
         "{Do you|Does Northwind} {encrypt|back up} {data at rest|our files|backups} and {how often|where}?",
         "{Our|The} {auditor|insurer|ISO consultant} {needs|wants} {your|a copy of your} {penetration test "
         "summary|SOC 2 report|business continuity plan}.",
         "{Please|Can you} {confirm|tell us} {which|what} {sub-processors|third parties} {can access|process} "
         "our data{ for <feature>|}."),
        ("I've completed the data request and sent the confirmation", "I've sent the DPA and our security pack"),
        0.035, "Account & Login",
    ),
}
INTENT_WEIGHTS = {name: intent.weight for name, intent in INTENTS.items()}
