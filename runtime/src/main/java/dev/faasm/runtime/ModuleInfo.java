package dev.faasm.runtime;

import java.util.List;
import java.util.Objects;

/**
 * What validation learned about a module.
 *
 * @param digest lowercase hex SHA-256 of the module bytes
 * @param sizeBytes size of the module bytes
 * @param entry which ABI the module uses
 * @param stubbedImports {@code env.__faasm_*} imports of Faasm's interface this platform does not implement, as
 *     {@code "env.<name>"}; calling one fails the call with {@link FailureKind#UNSUPPORTED_HOST_FUNCTION}
 */
public record ModuleInfo(String digest, int sizeBytes, EntryKind entry, List<String> stubbedImports) {
  public ModuleInfo {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(entry, "entry");
    stubbedImports = List.copyOf(stubbedImports);
  }
}
