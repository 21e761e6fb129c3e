package io.prometheusrelay.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.apiserver.ApiServerApplication;
import io.prometheusrelay.forwarder.ForwarderApplication;
import io.prometheusrelay.receiver.ReceiverApplication;
import io.prometheusrelay.harness.FreePorts;

/**
 * The remote-write pipeline on this machine: remote-receiver -> forwarder -> two api-servers, each
 * in its own JVM, on free ports, with the api-servers' data in separate directories.
 */
final class Pipeline implements AutoCloseable {

	private static final Duration STARTUP = Duration.ofSeconds(90);

	final Path workDir;

	final ServiceProcess receiver;

	final ServiceProcess forwarder;

	final List<ServiceProcess> apiServers = new ArrayList<>();

	final List<Path> dataDirs = new ArrayList<>();

	/** Each api-server's gRPC read API port, in api-server order. */
	final List<Integer> grpcPorts = new ArrayList<>();

	/** Each api-server's relay port, in api-server order. */
	final List<Integer> relayPorts = new ArrayList<>();

	private final int forwarderRelayPort = FreePorts.next();

	Pipeline(Path workDir) {
		this(workDir, Map.of());
	}

	/**
	 * With more arguments for some services (TLS, credentials), by module: "remote-receiver",
	 * "forwarder" and "api-server" (both of them).
	 */
	Pipeline(Path workDir, Map<String, List<String>> moreArgs) {
		this.workDir = workDir;
		List<String> forwarderArgs = new ArrayList<>(List.of("--relay.forwarder.relay.port=" + this.forwarderRelayPort,
				"--relay.forwarder.relay.host=127.0.0.1", "--relay.forwarder.targets.refresh-interval=1s",
				"--relay.forwarder.targets.client.max-backoff=1s", "--relay.forwarder.targets.client.ack-timeout=5s",
				"--relay.forwarder.handoff.dir=" + workDir.resolve("forwarder")));
		for (int i = 0; i < 2; i++) {
			int relayPort = FreePorts.next();
			int grpcPort = FreePorts.next();
			Path dataDir = workDir.resolve("api-server-" + (i + 1));
			this.dataDirs.add(dataDir);
			this.grpcPorts.add(grpcPort);
			this.relayPorts.add(relayPort);
			this.apiServers.add(apiServer("api-server-" + (i + 1), "127.0.0.1", FreePorts.next(), workDir, dataDir,
					relayPort, grpcPort, moreArgs.getOrDefault("api-server", List.of())));
			forwarderArgs.add("--spring.cloud.discovery.client.simple.instances.api-server[" + i
					+ "].uri=http://127.0.0.1:" + relayPort);
		}
		forwarderArgs.addAll(moreArgs.getOrDefault("forwarder", List.of()));
		this.forwarder = new ServiceProcess("forwarder", ForwarderApplication.class, FreePorts.next(), workDir,
				forwarderArgs);
		List<String> receiverOwnArgs = new ArrayList<>(List.of(
				"--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:"
						+ this.forwarderRelayPort, "--relay.receiver.forwarders.refresh-interval=1s",
				"--relay.receiver.forwarders.client.max-backoff=1s", "--relay.receiver.ack-deadline=8s"));
		receiverOwnArgs.addAll(moreArgs.getOrDefault("remote-receiver", List.of()));
		this.receiver = new ServiceProcess("remote-receiver", ReceiverApplication.class, FreePorts.next(), workDir,
				receiverOwnArgs);
	}

	/** An api-server process on loopback with its own data directory, relay port and gRPC port. */
	static ServiceProcess apiServer(String name, Path workDir, Path dataDir, int relayPort, int grpcPort) {
		return apiServer(name, "127.0.0.1", FreePorts.next(), workDir, dataDir, relayPort, grpcPort, List.of());
	}

	/** An api-server with all its ports on {@code address}, and {@code extraArgs} after its own. */
	static ServiceProcess apiServer(String name, String address, int httpPort, Path workDir, Path dataDir,
			int relayPort, int grpcPort, List<String> extraArgs) {
		List<String> args = new ArrayList<>(List.of("--relay.api-server.relay.port=" + relayPort,
				"--relay.api-server.relay.host=" + address, "--relay.api-server.store.data-dir=" + dataDir,
				"--relay.api-server.grpc.port=" + grpcPort, "--relay.api-server.grpc.host=" + address));
		args.addAll(extraArgs);
		return new ServiceProcess(name, ApiServerApplication.class, address, httpPort, workDir, args);
	}

	/**
	 * Starts every service and waits until each is healthy. If one is not, stops them all before
	 * failing: {@code try (Pipeline p = new Pipeline(dir).start())} never gets a pipeline to close then.
	 */
	Pipeline start() {
		try {
			this.apiServers.forEach(ServiceProcess::start);
			this.forwarder.start();
			this.receiver.start();
			this.apiServers.forEach(server -> server.awaitHealthy(STARTUP));
			this.forwarder.awaitHealthy(STARTUP);
			this.receiver.awaitHealthy(STARTUP);
			return this;
		}
		catch (RuntimeException | Error ex) {
			close();
			throw ex;
		}
	}

	String writeUrl() {
		return this.receiver.url("/api/v1/write");
	}

	static Duration startupTimeout() {
		return STARTUP;
	}

	@Override
	public void close() {
		this.receiver.close();
		this.forwarder.close();
		this.apiServers.forEach(ServiceProcess::close);
	}

}
