package io.moirai.examples.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Resolves {@code --host} while the command line is parsed, so that a name that does not resolve, or an
 * address this machine does not have, is a usage error naming the host before anything is bound.
 * Accepts the wildcard ({@code 0.0.0.0}, {@code ::}), any loopback address, and the addresses of this
 * machine's interfaces. Stateless; any thread.
 */
public final class HostConverter implements ITypeConverter<InetAddress> {

    @Override
    public InetAddress convert(String value) {
        String host = value.trim();
        if (host.isEmpty()) {
            throw new TypeConversionException("the host must not be empty (127.0.0.1: this machine only; 0.0.0.0: every interface)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new TypeConversionException("cannot resolve host '" + host + "'");
        } catch (SecurityException e) {
            throw new TypeConversionException("cannot resolve host '" + host + "': " + e.getMessage());
        }
        if (!isLocal(address)) {
            throw new TypeConversionException("'" + host + "' (" + address.getHostAddress()
                    + ") is not an address of this machine");
        }
        return address;
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // cannot tell: let the bind decide
        }
    }
}
