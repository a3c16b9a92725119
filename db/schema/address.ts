/** A postal address, checked and normalised by src/services/platform/address.ts. */
export type Address = { street: string; number: string; postcode: string; city: string; country: string };
