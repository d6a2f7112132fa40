function D(target: object, key: string) { (target as any).__seen = key; }
class A { @D x = 1; }
describe("dec", () => it("legacy", () => { if ((A.prototype as any).__seen !== "x") throw new Error("not legacy: " + JSON.stringify((A.prototype as any).__seen)); }));
