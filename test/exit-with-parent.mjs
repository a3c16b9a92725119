// Preloaded into product servers that tests start: when the test process goes away (its end of the
// stdin pipe closes), the server goes too, even if no afterAll hook got to stop it.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
