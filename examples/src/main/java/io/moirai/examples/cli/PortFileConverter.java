package io.moirai.examples.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks {@code --port-file} while the command line is parsed: its directory must exist and be
 * writable, and the path must not be a directory, so that a server never announces itself and then
 * fails to write its port. The file itself may exist (it is replaced). Stateless; any thread.
 */
public final class PortFileConverter implements ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        Path file;
        try {
            file = Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new TypeConversionException("'" + value + "' is not a path: " + e.getReason());
        }
        Path dir = file.getParent();
        if (dir == null || Files.isDirectory(file)) {
            throw new TypeConversionException(file + " is a directory; give a file's path");
        }
        if (!Files.isDirectory(dir)) {
            throw new TypeConversionException("directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new TypeConversionException("directory " + dir + " is not writable");
        }
        return file;
    }
}
