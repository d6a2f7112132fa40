import { join } from "node:path";

import { DrizzleHarness } from "./harness/drizzle.js";
import { TypeOrmHarness } from "./harness/typeorm.js";
import type { Harness } from "./harness/types.js";
import { moreScenarios } from "./more-scenarios.js";
import { scenarios } from "./scenarios.js";
import { type Storages, storages } from "./support.js";

const harnesses: Array<() => Harness> = [
  () => new TypeOrmHarness(),
  () => new DrizzleHarness("sync"),
  () => new DrizzleHarness("async"),
];

for (const make of harnesses) {
  describe(`FileField lifecycle through ${make().label}, on SQLite and local storage`, () => {
    let s: Storages;
    let h: Harness;

    beforeEach(async () => {
      s = await storages();
      h = make();
      await h.open(join(s.dir, "db.sqlite"));
    });

    afterEach(async () => {
      await h.close();
      await s.cleanup();
    });

    for (const scenario of [...scenarios, ...moreScenarios]) {
      it(scenario.title, () => scenario.run(h, s));
    }
  });
}
