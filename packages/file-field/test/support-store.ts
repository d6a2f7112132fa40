import {
  FileField,
  type FileFieldOptions,
  type FileInput,
  type FileValue,
  UnitOfWork,
  storeFile,
  toNewFile,
} from "@stowage/file-field";

/** Stores one file outside any ORM, in a transaction of its own that commits. */
export async function storeOne(
  options: FileFieldOptions,
  input: FileInput,
  column = "file",
): Promise<FileValue> {
  const work = new UnitOfWork();
  work.begin();
  try {
    const value = await storeFile(new FileField(options), column, toNewFile(input), work.sink());
    await work.commit();
    return value;
  } catch (error) {
    await work.rollback();
    throw error;
  }
}
