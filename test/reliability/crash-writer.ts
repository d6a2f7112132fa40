// The writer the crash tests kill: it builds the driver described on its command line and
// replaces one object with the contents of a file, saying "started" just before the upload
// and "done" once it has returned. Run as
//   node --conditions=@stowage/source --import tsx crash-writer.ts '<json>'
import { Container } from "@stowage/core";

import { makeDriver, type DriverSpec } from "./drivers.js";

/** What the parent asks the writer to do. */
export interface WriterJob {
  spec: DriverSpec;
  container: string;
  objectName: string;
  /** The file whose bytes become the object's new version. */
  source: string;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? "") as WriterJob;
  // Small parts, so that a kill can land between the parts of a multipart upload.
  const parts = { partSize: 5 * 1024 * 1024, multipartThreshold: 5 * 1024 * 1024 };
  const driver = makeDriver(job.spec, parts);
  const container = new Container(job.container, {}, driver);

  process.stdout.write("started\n");
  await container.uploadObject(job.source, job.objectName);
  process.stdout.write("done\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
