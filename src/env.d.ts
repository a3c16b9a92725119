declare namespace App {
  interface Locals {
    runtime: import('./runtime').Runtime;
  }
}
