import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EndpointCreateForm, UnverifiedSourceConfirmation } from "../src/components/endpoint-create-form.tsx";
import { createInput, UNVERIFIED_SOURCE_CONFIRMATION } from "../src/view/endpoint-create.ts";

// The create form must not make "no verification" the easy path: it starts on a verified scheme,
// and "None" is sent only once the user ticks what it means (docs/security.md). The interactive
// flow runs in a real browser in e2e/console/delivery.spec.ts.

/** The options of the form's scheme select, and which one is selected. */
function schemeOptions(html: string): { value: string; selected: boolean }[] {
  const select = /<select[^>]*name="sourceScheme"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? "";
  return [...select.matchAll(/<option([^>]*)>/g)].map((m) => ({
    value: /value="([^"]+)"/.exec(m[1]!)?.[1] ?? "",
    selected: /\sselected(="")?/.test(m[1]!),
  }));
}

const values = (extra: Partial<Parameters<typeof createInput>[0]>) =>
  createInput({
    name: " Orders ",
    url: " https://hooks.example.com/orders ",
    sourceScheme: "STANDARD_WEBHOOKS",
    sourceSecret: "",
    acknowledgeUnverifiedSource: false,
    ...extra,
  });

describe("<EndpointCreateForm>", () => {
  it("starts on Standard Webhooks, offers None last, and shows no confirmation until None is chosen", () => {
    const html = renderToStaticMarkup(<EndpointCreateForm />);
    const options = schemeOptions(html);
    expect(options.filter((o) => o.selected).map((o) => o.value)).toEqual(["STANDARD_WEBHOOKS"]);
    expect(options.at(-1)?.value).toBe("NONE");
    expect(html).toContain('name="sourceSecret"');
    expect(html).not.toContain('name="acknowledgeUnverifiedSource"');
  });

  it("asks, for None, for a required checkbox that says what it means", () => {
    const html = renderToStaticMarkup(<UnverifiedSourceConfirmation />);
    const checkbox = /<input[^>]*name="acknowledgeUnverifiedSource"[^>]*>/.exec(html)?.[0] ?? "";
    expect(checkbox).toContain('type="checkbox"');
    expect(checkbox).toContain("required");
    expect(checkbox).not.toContain("checked");
    expect(html).toContain(
      `<label for="ep-ack-unverified">${UNVERIFIED_SOURCE_CONFIRMATION.replaceAll("'", "&#x27;")}</label>`,
    );
    expect(UNVERIFIED_SOURCE_CONFIRMATION).toMatch(/anyone who knows this endpoint's ingest URL can post events/);
    expect(UNVERIFIED_SOURCE_CONFIRMATION).toMatch(/Kapsel will sign and deliver them/);
  });
});

describe("createInput", () => {
  it("does not send None until the confirmation is ticked, then sends the acknowledgement the API requires", () => {
    const unconfirmed = values({ sourceScheme: "NONE" });
    expect(unconfirmed.ok).toBe(false);
    expect(unconfirmed.ok ? [] : unconfirmed.messages).toEqual([expect.stringContaining("tick the confirmation")]);
    expect(values({ sourceScheme: "NONE", acknowledgeUnverifiedSource: true, sourceSecret: "ignored" })).toEqual({
      ok: true,
      input: {
        name: "Orders",
        url: "https://hooks.example.com/orders",
        sourceScheme: "NONE",
        acknowledgeUnverifiedSource: true,
      },
    });
  });

  it("sends verified schemes without an acknowledgement, with the secret when one is entered", () => {
    expect(values({})).toEqual({
      ok: true,
      input: { name: "Orders", url: "https://hooks.example.com/orders", sourceScheme: "STANDARD_WEBHOOKS" },
    });
    expect(values({ sourceScheme: "STRIPE", sourceSecret: " whsec_abc ", acknowledgeUnverifiedSource: true })).toEqual({
      ok: true,
      input: {
        name: "Orders",
        url: "https://hooks.example.com/orders",
        sourceScheme: "STRIPE",
        sourceSecret: "whsec_abc",
      },
    });
  });

  it("refuses a scheme it does not know instead of falling back to None", () => {
    expect(values({ sourceScheme: "SOMETHING_ELSE" })).toMatchObject({ ok: false });
    expect(values({ sourceScheme: null })).toMatchObject({ ok: false });
  });
});
