package io.prometheusrelay.harness;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTests {

	@Test
	void handsOutDistinctBindablePortsBelowTheEphemeralRange() throws Exception {
		Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		int ephemeralStart = Files.isReadable(range)
				? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
		Set<Integer> ports = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			int port = FreePorts.next();
			assertThat(port).isBetween(10_000, ephemeralStart - 1);
			assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
		}
		int port = FreePorts.next();
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		}
	}

	@Test
	void skipsAPortSomeoneListensOn() throws Exception {
		int taken = FreePorts.next();
		try (ServerSocket listener = new ServerSocket()) {
			listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken + 1));
			assertThat(FreePorts.next()).isNotEqualTo(taken + 1);
		}
	}

}
