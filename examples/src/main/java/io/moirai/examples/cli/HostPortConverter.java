package io.moirai.examples.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/**
 * Parses {@code host:port} ({@code 127.0.0.1:7000}, {@code localhost:7000}, {@code [::1]:7000}) into a
 * resolved address; a missing or bad port, or a host that does not resolve, is refused with a message
 * naming the value. Stateless; any thread.
 */
public final class HostPortConverter implements CommandLine.ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String value) {
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not host:port (example: 127.0.0.1:7000)");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' has no port number (example: 127.0.0.1:7000)");
        }
        if (port < 1 || port > 65_535) {
            throw new CommandLine.TypeConversionException("the port of '" + value + "' must be between 1 and 65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CommandLine.TypeConversionException("unknown host '" + host + "' in '" + value + "'");
        }
        return address;
    }
}
