// The seed scenario of sqlalchemy-file, end to end on the local driver and SQLite: an
// Attachment table with two file columns, storages "first" and "second", real files, a
// replacement, a rollback, a default-storage switch and a delete. Each step checks what is
// really on disk and in the database, and the script exits non-zero if anything is wrong.
// Run it with `npm run demo` (it builds first); it works in ./.demo/, which it recreates
// (STOWAGE_DEMO_DIR names another folder).

import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { StorageManager } from "@stowage/core";
import { FileValue, NewFile, contentTypes, maxSize, thumbnail } from "@stowage/file-field";
import { attachFileFields, fileColumnSchema } from "@stowage/file-field/typeorm";
import { LocalStorageDriver, RESERVED_DIR } from "@stowage/local";
import sharp from "sharp";

// TypeORM is a dependency of the file-field package: load the same copy its adapter uses.
const fromFileField = createRequire(
  new URL("../packages/file-field/package.json", import.meta.url),
);
const { DataSource, EntitySchema } = fromFileField("typeorm");

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const demoDir = resolve(root, process.env.STOWAGE_DEMO_DIR ?? ".demo");
const storageDir = join(demoDir, "storage");
let checks = 0;
const failures = [];

/** Records one real check of the outcome; a failed one makes the demo exit non-zero. */
function check(condition, what) {
  checks += 1;
  if (!condition) failures.push(what);
  console.log(`  ${condition ? "ok" : "FAILED"}: ${what}`);
}

function step(title) {
  console.log(`\n== ${title}`);
}

/** Every file under the storage folder, except the local driver's own bookkeeping. */
async function filesOnDisk() {
  const entries = await readdir(storageDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(storageDir, join(entry.parentPath ?? entry.path, entry.name)))
    .filter((path) => !path.split("/").includes(RESERVED_DIR))
    .sort();
}

async function showDisk() {
  const files = await filesOnDisk();
  console.log(`  on disk (${relative(root, storageDir)}/):${files.length ? "" : " nothing"}`);
  for (const file of files) console.log(`    ${file}`);
  return files;
}

const onDisk = async (value) =>
  (await filesOnDisk()).includes(`${value.storage}/${value.objectName}`);

/** The seed's model, as a TypeORM EntitySchema (plain JavaScript has no decorators). */
const Attachment = new EntitySchema({
  name: "Attachment",
  tableName: "attachment",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    name: { type: "varchar", length: 50, unique: true },
    contentFirst: fileColumnSchema({ name: "content_first", uploadStorage: "first" }),
    contentSecond: fileColumnSchema({
      name: "content_second",
      uploadStorage: "second",
      validators: [contentTypes(["image/*"]), maxSize("5 MiB")],
      processors: [thumbnail({ width: 64 })],
    }),
    // No uploadStorage: files go to whichever storage is the default when the row is written.
    contentDefault: fileColumnSchema({ name: "content_default" }),
  },
});

async function setUp() {
  step(`Setting up in ${relative(root, demoDir)}/`);
  await rm(demoDir, { recursive: true, force: true });
  await mkdir(join(demoDir, "inputs"), { recursive: true });

  const driver = new LocalStorageDriver(storageDir);
  StorageManager.addStorage("first", await driver.createContainer("first"));
  StorageManager.addStorage("second", await driver.createContainer("second"));
  console.log(`  storages "first" and "second" in ${relative(root, storageDir)}/ (default: first)`);

  const dataSource = new DataSource({
    type: "better-sqlite3",
    database: join(demoDir, "demo.sqlite"),
    entities: [Attachment],
    synchronize: true,
  });
  await dataSource.initialize();
  const files = attachFileFields(dataSource);
  files.deleter.onDeleteFailed((failure) => check(false, `delete of ${failure.path} failed`));
  console.log(
    `  SQLite database ${relative(root, join(demoDir, "demo.sqlite"))} with table attachment`,
  );
  return dataSource;
}

/** The rows as the database holds them: the column JSON, read without the ORM. */
async function rawRows(dataSource) {
  return dataSource.query(
    "select name, content_first, content_second, content_default from attachment order by id",
  );
}

async function insertRows(dataSource) {
  step("Insert a row with a text file and a generated image");
  const textPath = join(demoDir, "inputs", "hello.txt");
  await writeFile(textPath, "Hello from Stowage!\n");
  const image = await sharp({
    create: { width: 320, height: 200, channels: 3, background: "#2a6fd6" },
  })
    .png()
    .toBuffer();

  const row = {
    name: "hello",
    contentFirst: NewFile.fromPath(textPath),
    contentSecond: new NewFile(image, { filename: "banner.png" }),
  };
  await dataSource.getRepository(Attachment).save(row);
  await showDisk();

  const [raw] = await rawRows(dataSource);
  console.log(`  row "hello", column content_first: ${raw.content_first}`);
  check(
    (await onDisk(row.contentFirst)) && (await onDisk(row.contentSecond)),
    "both files are on disk",
  );
  check(await onDisk(row.contentSecond.derived.thumbnail), "the image's thumbnail is on disk");
  const json = JSON.parse(raw.content_first);
  check(
    json.filename === "hello.txt" && !raw.content_first.includes("file://"),
    "the row holds the file's JSON, no URL",
  );
}

async function readBack(dataSource) {
  step("Read the row back");
  const row = await dataSource.getRepository(Attachment).findOneByOrFail({ name: "hello" });
  const text = (await row.contentFirst.read()).toString();
  const meta = await sharp(await row.contentSecond.read()).metadata();
  const thumb = row.contentSecond.derived.thumbnail;
  const { filename, contentType, size } = row.contentFirst;
  console.log(
    `  content_first: ${filename}, ${contentType}, ${size} bytes: ${JSON.stringify(text)}`,
  );
  console.log(`  content_second: ${row.contentSecond.contentType} ${meta.width}x${meta.height}`);
  console.log(`  its thumbnail: ${thumb.contentType} ${thumb.info.width}x${thumb.info.height}`);
  console.log(`  URL, computed when read: ${await row.contentFirst.getUrl()}`);
  check(
    row.contentFirst instanceof FileValue && text === "Hello from Stowage!\n",
    "the text file reads back whole",
  );
  const png = row.contentSecond.contentType === "image/png";
  check(png && meta.width === 320 && meta.height === 200, "the image reads back as a 320x200 PNG");
  check(thumb.info.width === 64 && thumb.info.height === 40, "the thumbnail is 64x40");
}

async function replaceFile(dataSource) {
  step("Replace content_first in a transaction");
  const repository = dataSource.getRepository(Attachment);
  const old = (await repository.findOneByOrFail({ name: "hello" })).contentFirst;

  await dataSource.transaction(async (manager) => {
    const row = await manager.findOneByOrFail(Attachment, { name: "hello" });
    row.contentFirst = new NewFile("A second version.\n", { filename: "hello-v2.txt" });
    await manager.save(Attachment, row);
    check(await onDisk(old), "before the commit, the old file is still on disk");
  });

  const current = (await repository.findOneByOrFail({ name: "hello" })).contentFirst;
  await showDisk();
  check(!(await onDisk(old)), `after the commit, the old file ${old.objectName} is gone`);
  const body = (await current.read()).toString();
  check(
    (await onDisk(current)) && body === "A second version.\n",
    "the new file is on disk and in the row",
  );
}

async function rollBack(dataSource) {
  step("Roll a transaction back");
  const before = await filesOnDisk();
  let uploaded = [];
  const outcome = await dataSource
    .transaction(async (manager) => {
      const contentFirst = new NewFile("never kept", { filename: "doomed.txt" });
      await manager.save(Attachment, { name: "doomed", contentFirst });
      uploaded = (await filesOnDisk()).filter((file) => !before.includes(file));
      console.log(`  uploaded inside the transaction: ${uploaded.join(", ")}`);
      throw new Error("something went wrong after the upload");
    })
    .catch((error) => error.message);

  console.log(`  the transaction failed: ${outcome}`);
  await showDisk();
  check(uploaded.length === 1, "the file was uploaded when the row was written");
  check(!(await filesOnDisk()).includes(uploaded[0]), "after the rollback, its upload is gone");
  check(
    (await rawRows(dataSource)).every((row) => row.name !== "doomed"),
    "the row is not in the database",
  );
}

async function switchDefault(dataSource) {
  step('Switch the default storage to "second"');
  StorageManager.setDefault("second");
  const note = new NewFile("Stored wherever the default is.\n", { filename: "note.txt" });
  const row = { name: "switched", contentDefault: note };
  await dataSource.getRepository(Attachment).save(row);
  await showDisk();
  const stored = row.contentDefault;
  check(
    stored.storage === "second" && (await onDisk(stored)),
    "a column without uploadStorage now stores in second",
  );
}

async function deleteRow(dataSource) {
  step('Delete the row "hello"');
  const repository = dataSource.getRepository(Attachment);
  const row = await repository.findOneByOrFail({ name: "hello" });
  const files = [row.contentFirst, row.contentSecond, row.contentSecond.derived.thumbnail];
  await repository.remove(row);
  await showDisk();

  const left = await Promise.all(files.map(onDisk));
  check(
    left.every((present) => !present),
    "its text file, image and thumbnail are gone",
  );
  check(
    (await rawRows(dataSource)).map((r) => r.name).join(",") === "switched",
    'only the row "switched" remains',
  );
}

async function main() {
  const dataSource = await setUp();
  try {
    await insertRows(dataSource);
    await readBack(dataSource);
    await replaceFile(dataSource);
    await rollBack(dataSource);
    await switchDefault(dataSource);
    await deleteRow(dataSource);
  } finally {
    await dataSource.destroy();
  }

  if (failures.length > 0) {
    console.log(`\nDemo FAILED: ${failures.length} of ${checks} checks failed`);
    process.exitCode = 1;
  } else {
    console.log(
      `\nDemo finished: all ${checks} checks passed. Files are in ${relative(root, demoDir)}/`,
    );
  }
}

main().catch((error) => {
  console.error(`\nDemo FAILED with an error: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
