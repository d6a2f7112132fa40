import {
  FileField,
  type FileFieldOptions,
  type FileInput,
  type FileValue,
  UnitOfWork,
  storeFile,
  toNewFile,
} from "@stowage/file-field";

/**
 * Stores one file outside any ORM, in a transaction of its own that commits. A FileField
 * given is used as it is, so a test can check what the upload did to it.
 */
export async function storeOne(
  options: FileFieldOptions | FileField,
  input: FileInput,
  column = "file",
): Promise<FileValue> {
  const work = new UnitOfWork();
  work.begin();
  try {
    const value = await storeFile(fieldOf(options), column, toNewFile(input), work.sink());
    await work.commit();
    return value;
  } catch (error) {
    await work.rollback();
    throw error;
  }
}

function fieldOf(options: FileFieldOptions | FileField): FileField {
  return options instanceof FileField ? options : new FileField(options);
}
