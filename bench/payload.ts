/** A webhook-like JSON document of exactly `bytes` bytes (padded in a string field). */
export function webhookBody(bytes: number): string {
  const event = {
    id: "evt_3PqR7sTuVwXyZ012",
    type: "invoice.paid",
    created: 1_763_900_000,
    data: {
      object: { id: "in_1PqR7sTuVwXyZ", amount_paid: 4200, currency: "eur", customer: "cus_Q1w2E3r4T5y6", lines: 3 },
    },
    note: "",
  };
  const padding = bytes - Buffer.byteLength(JSON.stringify(event));
  if (padding < 0) throw new RangeError(`a body needs at least ${bytes - padding} bytes`);
  event.note = "x".repeat(padding);
  return JSON.stringify(event);
}
