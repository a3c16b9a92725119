declare namespace App {
  interface Locals {
    runtime: import('./runtime').Runtime;
    /** The signed-in specialist on console pages (src/console/guard.ts); null on public ones. */
    staff: import('./services/staff/session').Staff | null;
    /** This request's staff context, built once by `consolePage` (src/console/page.ts). */
    console?: import('./console/page').ConsolePage;
  }
}
