// What the registry holds: stored files per repository, and the download path of each.
import type { StoredFile } from "./types.ts";

export class RegistryStore {
  readonly #files: StoredFile[] = [];
  readonly #downloads = new Map<string, StoredFile>();
  readonly #uploadedAt = new Map<StoredFile, Date>();

  add(file: StoredFile, downloadPath: string, uploadedAt = new Date()): void {
    this.#files.push(file);
    this.#downloads.set(downloadPath, file);
    this.#uploadedAt.set(file, uploadedAt);
  }

  uploadedAt(file: StoredFile): Date {
    return this.#uploadedAt.get(file) ?? new Date(0);
  }

  all(): StoredFile[] {
    return this.#files.map((f) => ({ ...f, fields: [...f.fields], warnings: [...f.warnings] }));
  }

  inRepository(repository: string): StoredFile[] {
    return this.#files.filter((f) => f.repository === repository);
  }

  byFilename(repository: string, filename: string): StoredFile | undefined {
    return this.#files.find((f) => f.repository === repository && f.filename === filename);
  }

  projectFiles(repository: string, project: string): StoredFile[] {
    return this.#files.filter((f) => f.repository === repository && f.project === project);
  }

  projects(repository: string): string[] {
    return [...new Set(this.inRepository(repository).map((f) => f.project))].sort();
  }

  download(path: string): StoredFile | undefined {
    return this.#downloads.get(path);
  }
}
