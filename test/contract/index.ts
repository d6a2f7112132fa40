// The behaviour suite every driver runs, written once. A driver's package calls
// describeContract with a target that starts the driver's real server; the driver's
// `capabilities` decide which tests expect success and which expect NotSupportedError.
import type { Container, StorageDriver } from "@stowage/core";

import { cancellationTests } from "./cancellation.js";
import { conditionalTests } from "./conditional.js";
import { containerTests } from "./containers.js";
import { copyMoveTests } from "./copy-move.js";
import { declaredSizeTests } from "./declared-size.js";
import { emptyTests } from "./empty.js";
import { errorTests } from "./errors.js";
import { largeTests } from "./large.js";
import { listingTests } from "./listing.js";
import { metadataTests } from "./metadata.js";
import { nameTests } from "./names.js";
import { pathTests } from "./paths.js";
import { rangeTests } from "./ranges.js";
import { readTests } from "./reads.js";
import type { Fixture } from "./support.js";
import { urlTests } from "./urls.js";
import { writeTests } from "./writes.js";

export interface ContractFixture {
  driver: StorageDriver;
  /** A fresh, empty container with a unique name valid for this driver. */
  newContainer(): Promise<Container>;
  /** Releases what setup started (servers, temp dirs). */
  teardown(): Promise<void>;
}

export interface ContractTarget {
  /** Shown in the suite title, e.g. "local" or "s3 on moto". */
  name: string;
  /** Undefined when the server is not installed: the suite then reports itself skipped. */
  setup(): Promise<ContractFixture | undefined>;
}

/**
 * Registers the whole contract suite for one driver as a mocha `describe`. When the target's
 * setup finds no server, every test of the suite is reported pending with one line that says
 * what to install.
 */
export function describeContract(target: ContractTarget): void {
  describe(`contract: ${target.name}`, function () {
    let fixture: ContractFixture | undefined;
    const get: Fixture = () => {
      if (!fixture) throw new Error("the contract fixture is not set up");
      return fixture;
    };

    before(async function () {
      this.timeout(120_000);
      fixture = await target.setup();
      if (fixture) return;

      // Only off CI: there startServer throws instead, so a missing server fails loudly.
      process.stderr.write(
        `contract: ${target.name}: skipped, its test server is not installed ` +
          "(run scripts/emulators.sh install)\n",
      );
      this.skip();
    });

    after(async () => {
      await fixture?.teardown();
    });

    containerTests(get);
    listingTests(get);
    writeTests(get);
    declaredSizeTests(get);
    emptyTests(get);
    largeTests(get);
    readTests(get);
    rangeTests(get);
    metadataTests(get);
    conditionalTests(get);
    copyMoveTests(get);
    nameTests(get);
    pathTests(get);
    urlTests(get);
    errorTests(get);
    cancellationTests(get);
  });
}
