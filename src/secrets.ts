// Every secret pypush learns (passwords, tokens, minted tokens) is registered here the moment it
// is known; every line pypush prints passes through `redact`.
export class Secrets {
  readonly #values = new Set<string>();

  /** `onAdd` lets an entrypoint mask the value in its host too (GitHub's `core.setSecret`). */
  constructor(private readonly onAdd: (value: string) => void = () => {}) {}

  add(value: string | undefined): void {
    if (!value || value.length < 4 || this.#values.has(value)) return;
    this.#values.add(value);
    this.onAdd(value);
    for (const form of [encodeURIComponent(value), Buffer.from(value).toString("base64")]) {
      if (form !== value) this.#values.add(form);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of [...this.#values].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join("***");
    }
    return out;
  }
}
