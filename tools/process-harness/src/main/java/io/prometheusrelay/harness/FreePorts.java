package io.prometheusrelay.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports picked at run time, for peers (Prometheus, HAProxy, child JVMs) that cannot bind port 0 and
 * report back.
 *
 * <p>Ports come from below the kernel's ephemeral range. A port the kernel handed out for
 * {@code bind(0)} is one it also hands out as the source port of outgoing connections, so in the
 * moment between picking it and the peer binding it, any connection on the machine (a catch-up
 * call, a Consul check) could take it: CI saw a child JVM fail with "Port already in use" that way.
 * Below the ephemeral range only listeners compete, and this JVM never hands out the same port
 * twice; a random start keeps concurrent JVMs apart.
 */
public final class FreePorts {

	private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	/** Lowest port handed out: above the registered ports most daemons use by default. */
	private static final int LOWEST = 10_000;

	/** Where the window ends when the ephemeral range cannot be read (Linux's default start). */
	private static final int DEFAULT_EPHEMERAL_START = 32_768;

	private static final int HIGHEST = Math.max(LOWEST + 1_000, ephemeralStart()) - 1;

	private static final AtomicInteger cursor = new AtomicInteger(
			ThreadLocalRandom.current().nextInt(HIGHEST - LOWEST + 1));

	private FreePorts() {
	}

	public static int next() {
		int window = HIGHEST - LOWEST + 1;
		for (int attempt = 0; attempt < window; attempt++) {
			int port = LOWEST + Math.floorMod(cursor.getAndIncrement(), window);
			if (bindable(port)) {
				return port;
			}
		}
		throw new IllegalStateException("No free port on the loopback interface between " + LOWEST + " and " + HIGHEST);
	}

	private static boolean bindable(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int ephemeralStart() {
		try {
			// Not Files.readString: procfs reports a size of 0, and readString then returned "3" here.
			String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
			return Integer.parseInt(range[0]);
		}
		catch (IOException | RuntimeException ex) {
			return DEFAULT_EPHEMERAL_START;
		}
	}

}
