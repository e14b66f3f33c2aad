"""The upstream problems (bugs and confusing flows) behind clusters of similar tickets.

Each problem has a period and a volume shape, an optional bug-tracker key that
customers and agents sometimes mention, and phrase banks from which paraphrased
tickets are written. Three problems also have a Zendesk "problem" ticket that
some of their incidents link to (``problem_id``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One upstream problem and how customers describe it."""

    name: str
    title: str
    product: str
    start: str
    end: str  # last day with new tickets (inclusive)
    shape: str  # steady, decay, growing, spike, dst
    share: float  # share of all problem tickets
    bug_key: str | None
    problem_ticket: bool
    subjects: tuple[str, ...]
    symptoms: tuple[str, ...]
    contexts: tuple[str, ...]
    details: tuple[str, ...]
    fixes: tuple[str, ...]
    followups: tuple[str, ...]


PROBLEMS = (
    Problem(
        "sync_conflicted_copies", "File Sync creates 'conflicted copy' duplicates of files", "File Sync",
        "2025-10-01", "2026-09-30", "steady", 0.14, "APP-1610", False,
        ("{Duplicate|Conflicted|Extra} {files|copies} {appearing|everywhere|in shared folder}",
         "conflicted copy files", "Sync keeps {duplicating|copying} our files",
         "{Lots of|Loads of|Hundreds of} \"conflicted copy\" files", "File Sync making duplicates",
         "Why are there two versions of every file?", "Shared folder full of duplicates"),
        ("{Our|My} {shared folder|team folder|Projects folder} is {full of|filling up with} files called "
         "'<file> (conflicted copy)'.",
         "File Sync keeps creating {conflicted copies|duplicate copies} of {files|documents} {nobody else has open"
         "|that only I edit|even when one person edits them}.",
         "Every time {I|we|a colleague} save{|s} <file>, a second file with \"conflicted copy\" in the name "
         "{shows up|appears}.",
         "{We're|We are} {seeing|getting} {dozens|loads|<n>} of \"conflicted copy\" files {in|across} our synced "
         "folders {since|after} the {last|latest} desktop {update|client update}.",
         "the desktop app is duplicating files, {each|every} one {gets|ends up with} a (conflicted copy) twin",
         "{Files|Spreadsheets} we edit in Excel {get duplicated|are duplicated} by sync with \"conflicted copy\" "
         "added to the name.",
         "Sync {seems to|appears to} think two people edited <file> at the same time{,| but} {it was just me|"
         "nobody else had it open} and now we have two copies."),
        ("{It started|This started|It began} <weekday>.", "We're on desktop client <version>.",
         "{This is|It's} happening on {Windows|Mac|both Windows and Mac} machines.",
         "{I've|We've} already tried {re-installing|reinstalling} the {desktop client|app}.",
         "{Nobody|No one} knows which copy is the right one any more.",
         "{About|Roughly} <n> {people|users} in our team are affected."),
        ("The {folder|path} is \\\\Shared\\Projects\\<n>.", "Example file: <file>.",
         "Our account is on the <users>-seat plan."),
        ("{we've pushed a fix in desktop client 5.4.2 that stops the duplicate copies|"
         "I've cleared the sync conflict state for your folders and removed the duplicate copies}",
         "{turning off 'Office co-authoring sync' in the desktop settings stops the duplicates|"
         "the duplicate copies came from a known sync bug that engineering has patched}"),
        ("I've checked and it's {happening|still happening} on <n> files.", "We're on version <version>.",
         "Yes, everyone uses Excel desktop."),
    ),
    Problem(
        "invoice_pdf_blank", "Invoice PDFs download blank", "Billing",
        "2025-11-10", "2026-02-20", "decay", 0.10, "APP-1482", True,
        ("Blank invoice PDF", "Invoice {download|PDF} {is empty|shows nothing|is blank}",
         "Can't {open|read} {our|my} invoice", "<invoice> PDF is blank", "Empty invoice download",
         "Invoice PDF {not working|broken}", "{Problem|Issue} with invoice {PDF|download}"),
        ("When {I|we} download {our|the} invoice {<invoice>|for last month|for October|from the billing page}, "
         "the PDF is {completely blank|empty|just a white page}.",
         "{The|Our} invoice PDF {opens|downloads} but {there's nothing on it|every page is blank|it shows no "
         "content at all}.",
         "{Our|My} {accountant|finance team|bookkeeper} can't {process|file} {the|our} invoice{s|} because the "
         "{PDF|download} is blank.",
         "Downloading <invoice> gives a {0 KB|tiny|blank} PDF{.| with no text.}",
         "{All|Most of} {our|the} invoice PDFs {since November|this month|from the new billing page} come out "
         "{blank|empty}.",
         "{I|We} need {a copy of|the} invoice <invoice> {for our records|for the audit|to pay it} but the PDF "
         "{is blank|won't show anything}."),
        ("{I've|We've} tried {Chrome and Edge|<browser>|two different browsers}.",
         "{Older|Previous} invoices {download fine|are fine}.", "Our year end is {next week|coming up}.",
         "The preview in the browser is also blank."),
        ("Invoice number <invoice>.", "{Amount|Total} was <amount>.", "Billing contact: <email>.",
         "It's the invoice for <order>."),
        ("{I've regenerated|I have regenerated} the invoice PDF{s|} and attached {them|it} to this reply",
         "{engineering fixed the PDF renderer|the PDF rendering bug has been fixed}, so new downloads include "
         "the invoice lines again"),
        ("Still blank for <invoice>.", "Here's the invoice number: <invoice>.", "I tried again in <browser>."),
    ),
    Problem(
        "password_reset_expired", "Password reset link says 'expired' on first click", "Account & Login",
        "2025-10-01", "2026-09-30", "steady", 0.11, None, False,
        ("Password reset link expired", "Reset link {doesn't work|not working|says expired}",
         "Can't reset {my|our} password", "Locked out - reset link invalid", "password reset {issue|problem}",
         "Link expired immediately", "Reset email link broken"),
        ("{Every|Each} time I click the password reset link it says {\"this link has expired\"|the link is "
         "expired|the link is no longer valid}.",
         "The {password reset|reset} email {arrives|comes through} {fine|straight away} but the link "
         "{is already expired|says expired} {when I click it|straight away|within seconds}.",
         "{I|We} {requested|asked for} {a new|another} reset link <n> times and {all of them|every one} say"
         "{s|} expired.",
         "{Can't|Cannot|Unable to} log in: {the|your} reset link tells me it has expired even though I "
         "{just|only just} {got|received} it.",
         "One of our users ({<email>|a colleague}) {can't|cannot} reset {their|her|his} password, the link "
         "{expires|is dead} {instantly|on first click}."),
        ("{We|Our company} use{|s} {Mimecast|Microsoft Defender|a mail scanner} on incoming email.",
         "I'm {clicking|opening} it {on my phone|in Outlook|from Gmail}.", "It worked last month.",
         "I've cleared cookies and tried <browser>."),
        ("My username is <email>.", "The email came from no-reply@northwind.cloud at {09:12|09:47|14:05|16:31|11:58}."),
        ("your company's mail scanner opens links before you do, which uses up the one-time link; I've "
         "{sent|set up} a reset link that is {valid for 30 minutes|protected by a confirm button}",
         "I've reset the password on our side and sent you a temporary one; the link issue comes from "
         "link-scanning in your mail filter"),
        ("Tried again, same thing.", "Our IT say the scanner can't be turned off.",
         "It worked from my personal email."),
    ),
    Problem(
        "sso_login_loop", "SAML single sign-on redirect loop", "Account & Login",
        "2026-01-12", "2026-05-31", "growing", 0.08, "APP-1533", True,
        ("SSO login loop", "{Stuck|Caught} in {a|an endless} {redirect|login} loop",
         "{Can't|Cannot} log in with SSO", "Single sign-on {broken|not working} since <weekday>",
         "Okta login keeps redirecting", "SAML login loops back to the sign-in page",
         "URGENT: whole team locked out (SSO)"),
        ("{When|After} {we|I} {sign in|log in} {with|through} {Okta|Azure AD|Entra ID|Google Workspace} "
         "{it|the page} keeps {redirecting|bouncing} {back and forth|between your site and {Okta|Azure}} "
         "{and never logs us in|forever}.",
         "{Our|The} single sign-on {is stuck in|goes into} a redirect loop{.|,} {the browser|Chrome} "
         "{eventually|finally} {says|shows} \"too many redirects\".",
         "SSO {was fine|worked} until <weekday>; now {everyone|half the team|<n> users} {get|gets} sent back "
         "to the login page {after|once} {authenticating|entering their password}.",
         "{Logging in|Login} via SAML {just|} loops: Northwind -> {Okta|identity provider} -> Northwind -> "
         "{Okta|identity provider} ...",
         "The SSO {button|login} {takes us|redirects} {round in circles|in a loop} and {we|users} {can't|"
         "cannot} {get to the dashboard|get in}."),
        ("{Password|Email} login {still works|works fine} for admins.", "We changed nothing on our side.",
         "{It|This} happens in <browser> and Edge.", "This blocks our whole {office|team}."),
        ("Our IdP is {Okta|Azure AD|Entra ID}, entity ID https://sso.<org_domain>/saml.",
         "Error in console: ERR_TOO_MANY_REDIRECTS."),
        ("{engineering deployed a fix for the SAML session cookie|we fixed the session cookie issue on the SSO "
         "callback}, so the redirect loop is gone",
         "I've re-enabled the SAML configuration with the new certificate on your account"),
        ("Still looping for some users.", "It works for me now but not my colleague.", "Here's a HAR file."),
    ),
    Problem(
        "vat_number_rejected", "Valid EU VAT numbers rejected at checkout", "Billing",
        "2026-01-05", "2026-09-30", "steady", 0.07, None, False,
        ("VAT number {not accepted|rejected|invalid}", "Can't add {our|my} VAT {ID|number}",
         "VAT {ID|number} {error|problem}", "Being charged VAT {incorrectly|even though we are VAT registered}",
         "Reverse charge not applied", "Invalid VAT number message"),
        ("{Your|The} {checkout|billing page} says our VAT number <vat> is invalid{, but it is|. It is} "
         "{definitely|} valid on VIES.",
         "{We|I} {can't|cannot} {save|enter|add} our VAT {ID|number} <vat> {in|on} the billing settings; it "
         "{says|shows} \"invalid VAT number\".",
         "{We are|We're} VAT registered{ in {Germany|the Netherlands|France|Ireland}|} but you keep charging "
         "us VAT because the {number|VAT ID} {won't validate|is rejected}.",
         "The {VAT|tax ID} field {rejects|won't accept} <vat> {with or without|even without} the country "
         "prefix."),
        ("{It|The number} validates fine on the EU VIES site.", "We need a reverse-charge invoice.",
         "{Last year|Before the new checkout} it worked."),
        ("Company: <org>.", "The invoice in question is <invoice> for <amount>."),
        ("you need to enter the VAT number without spaces and choose the country first; I've added it for you "
         "and reissued the invoice without VAT",
         "I've applied the reverse charge to your account manually and issued a credit note for the VAT"),
        ("Tried without spaces, same error.", "Our VAT number is <vat>.", "Screenshot attached."),
    ),
    Problem(
        "scheduled_report_timezone", "Scheduled reports arrive an hour off after the clock change", "Reports",
        "2025-10-20", "2026-04-30", "dst", 0.06, "APP-1702", False,
        ("Scheduled report {an hour|1 hour|one hour} {late|early|off}", "Report arriving at wrong time",
         "Daily report time {wrong|changed}", "Scheduled {email|report} {timing|time} off since clocks changed",
         "{Report|Reports} {schedule|schedules} shifted"),
        ("Our {daily|weekly} {sales|KPI|operations} report {used to arrive|arrived} at {8:00|07:00|9am} "
         "{but now|and since <weekday> it} {comes|arrives} {an hour|1 hour} {late|early}.",
         "{Since|After} the clocks {changed|went {back|forward}} {all|our} scheduled reports {are|run} "
         "{an hour|one hour} {off|out}.",
         "The scheduled report {shows|has} {the wrong time range|data up to 23:00 instead of midnight} "
         "{since|after} the {time|clock} change.",
         "{Scheduled|Automated} reports {now|suddenly} {go out|send} at {10|9|6} instead of {9|8|7}, "
         "{nothing|we} changed {in the settings|nothing}."),
        ("The schedule still {shows|says} {08:00|9:00} Europe/London.", "{This|It} affects <n> reports.",
         "Our managers rely on it for the morning meeting."),
        ("Report name: \"{Daily sales|Weekly KPIs|Ops summary}\".",),
        ("the scheduler stored your schedule in UTC; I've re-saved it in Europe/London so it follows the clock "
         "change",
         "engineering has fixed the daylight-saving handling in the report scheduler"),
        ("It arrived at {10|7} again today.", "Other schedules are affected too."),
    ),
    Problem(
        "mobile_push_android", "No push notifications on Android after app 4.2", "Mobile App",
        "2026-03-16", "2026-07-15", "decay", 0.09, None, False,
        ("No notifications on Android", "Push {notifications|alerts} {stopped|not working}",
         "App not {notifying|alerting} me anymore", "Android {app|notifications} broken after update",
         "Not getting {alerts|notifications} on my phone"),
        ("{Since|After} {the|updating to} {latest|new|4.2} {app|Android app} {update|version} {I|we} {don't get|"
         "no longer receive|stopped getting} {any|} push notifications.",
         "Notifications {stopped|don't arrive} on my <device>{, they still work on my colleague's iPhone|}.",
         "{None of|No one in} our {field team|engineers|staff} on Android {get|gets|are getting} {alerts|"
         "notifications} {any more|since the update}.",
         "{The|Your} Android app {shows|has} notifications {switched on|enabled} but {nothing|no push} "
         "{comes through|arrives}."),
        ("{Notifications|They} are {allowed|on} in {Android settings|the phone settings}.",
         "{Reinstalling|I reinstalled the app and it} didn't help.", "App version <version>.",
         "Battery optimisation is off."),
        ("Phone: <device>, Android {13|14|15}.",),
        ("the 4.2.3 update restores push notifications on Android; please update from the Play Store",
         "you need to open the app once after the update so it can register for notifications again"),
        ("Updated, still nothing.", "I'm on <device>.", "It works now on mine but not on others."),
    ),
    Problem(
        "csv_export_stuck", "Large CSV report exports stuck at 'Preparing' and time out", "Reports",
        "2026-02-02", "2026-09-30", "growing", 0.10, "APP-1877", True,
        ("CSV export {stuck|hangs|not finishing}", "Export stuck on \"Preparing\"", "Report export times out",
         "Can't export {data|report} to CSV", "Export {never|doesn't} {completes|finish}", "Export failing"),
        ("{When|Whenever} {I|we} export {a report|the transactions report|our data} to CSV {for more than|"
         "covering} {a month|three months|the whole year} it {sits on|stays on|never gets past} "
         "\"Preparing export\".",
         "{The|Our} CSV export {hangs|is stuck} {for hours|forever} and then {fails|shows a timeout error}.",
         "Exporting {the|a} report {with more than|over} {10,000|50k|<n>,000} rows {never finishes|times out}.",
         "{I|We} {can't|cannot} {get|download} {our|the} {monthly|quarterly|year-end} {CSV|export} because it "
         "{times out|never completes}{.|, smaller date ranges work}.",
         "Export to CSV {just|} spins{ and spins|} {then|and then} {says|shows} \"Something went wrong\"."),
        ("Smaller exports work fine.", "We need this for {our audit|month-end close|the board}.",
         "It {worked|was fine} {last month|before {January|February}}.", "Tried at night too."),
        ("Report: {Transactions|All invoices|Activity log}, {Jan-Dec|last 12 months|Q<n>}.",
         "Export job id exp_<n><n>9<n>."),
        ("large exports now run in the background and are emailed to you when ready; I've started yours",
         "I've split your export into monthly files and sent you the links"),
        ("Still stuck at Preparing.", "It failed again with <n> rows.", "The emailed link is empty."),
    ),
    Problem(
        "card_3ds_loop", "Card payment fails in a 3-D Secure confirmation loop", "Billing",
        "2025-10-01", "2026-04-30", "steady", 0.07, None, False,
        ("Card payment {failing|declined}", "Can't {pay|update card}", "{Payment|Card} {keeps|being} declined",
         "3D Secure {problem|loop}", "Bank verification {loop|keeps repeating}"),
        ("{When|Every time} I {try to|} {pay|update our card|add a new card} the bank {verification|"
         "confirmation} {pops up|window opens}, I approve it {in my banking app|} and then it {starts again|"
         "asks again|says declined}.",
         "{Our|My} card {keeps getting|is} declined {at checkout|on the billing page} although the bank says "
         "{the payment was approved|there's no problem}.",
         "The {3D Secure|3-D Secure|bank security} {step|check} {loops|repeats} {and we can't|so I can't} "
         "{finish the payment|update the card}.",
         "{I've tried|Tried} {two|three|<n>} different cards and {all|each} {fail|fails} after the {bank|"
         "verification} {screen|step}."),
        ("The bank says {nothing is blocked|they see no declined payments}.", "Our subscription {is about to|"
         "will} lapse.", "It's a {Visa|Mastercard|Amex} {business|company} card."),
        ("Amount: <amount>.", "Last four digits {4242|1881|0005|7310}.", "It's for <order>."),
        ("the payment page needs pop-ups allowed for the bank's confirmation; I've sent you a payment link "
         "that completes the check in the same window",
         "I've taken the payment by invoice instead and marked your subscription as paid"),
        ("Same loop in <browser>.", "Bank says approved again.", "Pop-ups are allowed."),
    ),
    Problem(
        "api_429_below_limit", "API returns 429 Too Many Requests below the documented limit", "API",
        "2026-05-11", "2026-08-31", "decay", 0.06, "APP-2051", False,
        ("API {429|rate limit} errors", "429 Too Many Requests", "Rate limited {below|under} the limit",
         "API {throttling|limits} {wrong|too strict}", "Integration failing with 429"),
        ("{Our|The} integration {gets|is getting} HTTP 429 {Too Many Requests|errors} at {about|only} "
         "{20|30|<n>} requests a minute, {far below|well under} the documented {100|120}/min.",
         "{Since|After} <weekday> {our|the} {API calls|sync job} {are|is} {throttled|rate limited} even though "
         "we {send|make} {very few|only a handful of} requests.",
         "We {keep|constantly} {hitting|get} 429s on /v2/{invoices|contacts|files} {even|} with {backoff|"
         "retries}; X-RateLimit-Remaining {still shows|says} {80|95|<n>}.",
         "The API {rejects|throttles} {our|my} {requests|calls} with \"rate limit exceeded\" {although|but} we "
         "{are nowhere near|haven't reached} the limit."),
        ("We haven't changed our code.", "Our client id is cl_<n><n>f<n>.", "Requests come from <ip>.",
         "{This|It} breaks our nightly sync."),
        ("Example request id req_<n>a<n>b<n>.",),
        ("a bad rate-limit rule counted all keys in your organisation together; engineering has rolled it back",
         "I've raised your organisation's API limit while the rate limiter is being fixed"),
        ("Still getting 429s.", "Here is a request id: req_<n>c<n>.", "Header shows remaining <n>."),
    ),
    Problem(
        "sms_2fa_delay", "Two-factor SMS codes arrive late or not at all", "Account & Login",
        "2026-09-02", "2026-09-30", "spike", 0.12, "APP-2210", False,
        ("2FA code not {arriving|received}", "{No|Not getting} SMS {code|codes}",
         "Verification code {late|never arrives}", "Can't log in - no text message",
         "Two-factor {SMS|code} {delayed|problem}", "SMS codes {take ages|very slow}"),
        ("{The|Our} {two-factor|2FA|verification} code {by SMS|text} {takes|is taking} {ages|<minutes> minutes|"
         "over ten minutes} to arrive{, by then it has expired|}.",
         "{I'm|We're} {not receiving|not getting} {the|any} {SMS|text message} {code|codes} {to log in|for "
         "2FA} {since|from} <weekday>.",
         "{Login|Logging in} {asks for|needs} the SMS code but {it never comes|nothing arrives} on <phone>.",
         "{Half|Most|Several} of {our|the} team {can't|cannot} log in because {the|their} 2FA texts "
         "{arrive late|don't arrive|come after the code expired}.",
         "{SMS|Text} verification {is broken|isn't working}: {I|we} get the code {<minutes> minutes|far too} "
         "late."),
        ("{It|This} {used to|always used to} {be instant|arrive in seconds}.", "Our numbers are UK mobiles.",
         "{We|I} tried \"resend code\" <n> times.", "{This is|It's} blocking {payroll|our month-end|work}."),
        ("My number is <phone>.", "Username <email>."),
        ("our SMS provider had delivery delays; I've switched your account to authenticator-app codes",
         "SMS delivery has been moved to a backup provider, codes should arrive within seconds"),
        ("Still waiting for the code.", "Arrived after <minutes> minutes.", "Tried again, nothing."),
    ),
)

PROBLEM_NAMES = tuple(p.name for p in PROBLEMS)
# Short, vague reports that customers also send about a problem (mostly on chat and phone): they
# share little wording with the rest of the problem's tickets and some overlap between problems.
VAGUE_REPORTS = {
    "sync_conflicted_copies": ("{Files|Some files} look{|s} weird in our {shared|synced} folder.",
                               "Sync is {messing up|doing something strange to} our files."),
    "invoice_pdf_blank": ("{Can't|Cannot} get our invoice.", "Problem downloading {an|my} invoice."),
    "password_reset_expired": ("{Can't|Cannot} get into my account.", "Login {not working|problem}, please help."),
    "sso_login_loop": ("{Can't|Cannot} log in {since this morning|today}.", "Login {not working|broken} for us."),
    "vat_number_rejected": ("{Tax|VAT} {problem|question} on our bill.", "Wrong tax on {our|the} invoice."),
    "scheduled_report_timezone": ("{Our|The} report {came|arrived} at a strange time.",
                                  "Report timing {is off|looks wrong}."),
    "mobile_push_android": ("The app {doesn't tell me|isn't telling me} {anything|about new items} any more.",
                            "{Phone|Mobile} alerts {gone|missing}."),
    "csv_export_stuck": ("{Can't|Cannot} get {my|our} data out.", "Download {not working|doesn't finish}."),
    "card_3ds_loop": ("{Payment|Paying} {doesn't go through|not working}.", "{Can't|Cannot} pay {you|the bill}."),
    "api_429_below_limit": ("Our integration {keeps failing|is failing}.", "API {errors|problems} since {Monday|"
                            "yesterday}."),
    "sms_2fa_delay": ("{Can't|Cannot} log in, {no code|nothing arrives}.", "Login {not working|problem}, "
                      "{waiting|still waiting} for {the|a} code."),
}
# Problem tickets make up this share of all tickets.
PROBLEM_SHARE = 0.22
SPIKING_PROBLEM = "sms_2fa_delay"
DST_CHANGES = ("2025-10-26", "2026-03-29")


def day_weights(problem: Problem, days: pd.DatetimeIndex) -> np.ndarray:
    """Relative ticket volume of ``problem`` on each day (before weekday and season effects)."""
    start, end = pd.Timestamp(problem.start), pd.Timestamp(problem.end)
    active = (days >= start) & (days <= end)
    age = np.asarray((days - start).days, dtype=float)
    span = max((end - start).days, 1)
    if problem.shape == "steady":
        w = np.ones(len(days))
    elif problem.shape == "decay":
        w = 0.15 + np.exp(-np.clip(age, 0, None) / (span / 3))
    elif problem.shape == "growing":
        w = 0.3 + np.clip(age, 0, None) / span * 2.0
    elif problem.shape == "spike":
        w = 0.5 + np.clip(age, 0, None) / span * 1.5
    elif problem.shape == "dst":
        w = np.zeros(len(days))
        for change in DST_CHANGES:
            after = np.asarray((days - pd.Timestamp(change)).days, dtype=float)
            w += np.where(after >= 0, np.exp(-after / 9.0), 0.0)
        w += 0.02
    else:  # pragma: no cover - the problems above are fixed
        raise AssertionError(problem.shape)
    return np.where(active, w, 0.0)
