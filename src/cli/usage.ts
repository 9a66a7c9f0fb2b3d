export const USAGE = {
  main: `Usage: enchanted-link <command> [options]

Commands:
  demo       Run the whole enchanted-link sign-in on the embedded emulator (or on real Descope)
  emulator   Serve the Descope emulator over HTTP and print each email's links

Run 'enchanted-link <command> --help' for a command's options, 'enchanted-link --version' for the version.
`,
  demo: `Usage: enchanted-link demo [email] [options]

Sends a sign-in link, shows its number and the emailed links, waits for the click with live
progress, and prints the session. With no project ID it runs on the embedded emulator: in a
terminal you open the right link in your browser; without one (CI) it clicks it by itself.

Options:
  --email <address>       Where to send the link (default: demo@example.com; required with a project ID)
  --project-id <id>       Run against real Descope (or set DESCOPE_PROJECT_ID)
  --base-url <url>        Descope API base URL (default: derived from the project ID)
  --redirect-url <url>    Where the emailed links point (default: the project's setting)
  -h, --help              Show this help
`,
  emulator: `Usage: enchanted-link emulator [options]

Serves the Descope enchanted-link emulator over HTTP and prints each email's three links as they
are sent, for developing your own sign-in page without an account. Ctrl-C stops it.
Safe to leave running: only pages on this machine (localhost, 127.x, [::1]) may call it from a
browser, the outbox page is readable from this machine only (with the default --host), and what it prints is stripped of
terminal control characters. Descope's rate limit applies: 100 requests per 60 s per IP.

Options:
  --port <number>          Port to listen on (default: 4010; 0 picks a free one)
  --host <address>         Address to listen on (default: 127.0.0.1). Another address makes the
                           outbox, with live links, readable from the network: a warning says so
  --allow-host <name>      Also accept this name in the Host header (repeatable); the names
                           accepted are printed at start-up (others: 403, against DNS rebinding)
  --allow-origin <origin>  Also let pages of this origin call it (repeatable); '*' lets any web
                           page you visit send sign-ins and read the answers
  --no-rate-limit          Turn Descope's rate limit off (for load tests)

Options for developing your app against it (the banner prints your app's settings):
  --project-id <id>        Project ID to answer for (default: P2emulator000000000000000000)
  --redirect-url <url>     Your verify page: where the links point when a send has no redirect
                           URL, as the project's setting in Descope (default: the emulator's own page)
  --session-ttl <seconds>  Lifetime of each session JWT (default: 600); a short one shows your
                           app's refresh within a minute
  --link-ttl <seconds>     Lifetime of each link and its pendingRef (default: 300)
  --rotate-refresh         Answer each refresh with a new refresh JWT and revoke the old one, as
                           projects that rotate refresh tokens do (default: keep it)
  --approved-domain <host> Refuse links to other hosts, as the project's approved domains do
                           (repeatable; default: every host)
  --user <loginId>         A user that exists from the start, so signIn accepts it (repeatable)
  -h, --help               Show this help
`,
};
