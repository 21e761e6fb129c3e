package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheusrelay.forwarder.ForwarderApplication;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consul discovery against a real agent: the api-servers and the forwarder register with checks on
 * their actuator health; Consul's DNS answers the SRV query HAProxy makes with the api-servers' gRPC
 * ports, and Debian's HAProxy with deploy/haproxy/haproxy.cfg balances over them; an api-server killed
 * goes critical and leaves the forwarder's targets; one stopped deregisters.
 */
class ConsulDiscoveryTests {

	private static final String API_SERVERS_SRV = "_prometheus-api-server._tcp.service.consul";

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void servicesRegisterAndTheForwarderFollowsTheApiServersHealth() throws Exception {
		ConsulAgent.assumeBuilt();
		ConsulAgent consul = this.closeables.add(ConsulAgent.start(this.workDir));
		List<ServiceProcess> apiServers = new ArrayList<>();
		List<Integer> grpcPorts = new ArrayList<>();
		List<Integer> relayPorts = new ArrayList<>();
		for (int i = 1; i <= 2; i++) {
			int relayPort = FreePorts.next();
			int grpcPort = FreePorts.next();
			List<String> args = new ArrayList<>(consul.serviceArgs());
			args.add("--relay.api-server.catch-up.interval=1s");
			apiServers.add(this.closeables.add(Pipeline.apiServer("api-server-" + i, "127.0.0.1", FreePorts.next(),
					this.workDir, this.workDir.resolve("api-server-" + i), relayPort, grpcPort, args)));
			grpcPorts.add(grpcPort);
			relayPorts.add(relayPort);
		}
		List<String> forwarderArgs = new ArrayList<>(List.of("--relay.forwarder.relay.port=" + FreePorts.next(),
				"--relay.forwarder.relay.host=127.0.0.1", "--relay.forwarder.targets.refresh-interval=1s",
				"--relay.forwarder.targets.client.max-backoff=1s",
				"--relay.forwarder.handoff.dir=" + this.workDir.resolve("forwarder")));
		forwarderArgs.addAll(consul.serviceArgs());
		ServiceProcess forwarder = this.closeables.add(new ServiceProcess("forwarder", ForwarderApplication.class,
				FreePorts.next(), this.workDir, forwarderArgs));
		apiServers.forEach(ServiceProcess::start);
		forwarder.start();
		apiServers.forEach(server -> server.awaitHealthy(Pipeline.startupTimeout()));
		forwarder.awaitHealthy(Pipeline.startupTimeout());

		// Registered and passing: the gRPC port as the service port, the relay port in metadata.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String passing = consul.get("/v1/health/service/prometheus-api-server?passing");
			for (int i = 0; i < 2; i++) {
				assertThat(passing).containsPattern("\"Port\":\\s*" + grpcPorts.get(i) + "\\b")
					.containsPattern("\"relay-port\":\\s*\"" + relayPorts.get(i) + "\"");
			}
			assertThat(consul.get("/v1/health/service/forwarder?passing")).contains("\"relay-port\"");
		});
		// The forwarder's targets come from Consul: both api-servers, by their relay ports.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(health(forwarder))
			.contains("127.0.0.1:" + relayPorts.get(0) + "\":\"connected")
			.contains("127.0.0.1:" + relayPorts.get(1) + "\":\"connected"));
		// What HAProxy resolves: both gRPC ports in the SRV answer.
		await().atMost(Duration.ofSeconds(10)).until(() -> srvPorts(consul).equals(Set.copyOf(grpcPorts)));
		// Each api-server's peers for catching up come from Consul too: it compares with the other one
		// and finds itself among them.
		for (int i = 0; i < 2; i++) {
			String self = "127.0.0.1:" + grpcPorts.get(i);
			String other = "127.0.0.1:" + grpcPorts.get(1 - i);
			ServiceProcess apiServer = apiServers.get(i);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(health(apiServer))
				.contains("\"" + self + "\":{\"self\":true}")
				.containsPattern("\"" + other.replace(".", "\\.") + "\":\\{\"lackingBatches\":0,[^}]*\"lastCompared\":\"2"));
		}

		// Killed: its check goes critical, Consul stops listing it, the forwarder drops its connection but
		// keeps its place in the hand-off, so it gets what it missed when it is back.
		apiServers.get(0).kill();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(srvPorts(consul)).containsExactly(grpcPorts.get(1));
			assertThat(health(forwarder)).doesNotContain("127.0.0.1:" + relayPorts.get(0) + "\":\"")
				.contains("127.0.0.1:" + relayPorts.get(0) + "\":{\"state\":\"not-discovered\"")
				.contains("127.0.0.1:" + relayPorts.get(1) + "\":\"connected");
		});

		// Stopped: it deregisters itself; the catalog no longer has it at all.
		apiServers.get(1).stop();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(consul.get("/v1/catalog/service/prometheus-api-server"))
				.doesNotContainPattern("\"ServicePort\":\\s*" + grpcPorts.get(1) + "\\b"));
	}

	/**
	 * deploy/haproxy/haproxy.cfg as docker-compose runs it: every api-server on an address of its own with
	 * the same ports (127.0.0.2 and 127.0.0.3 stand in for two containers), found through Consul's
	 * SRV records, and each call balanced on its own.
	 */
	@Test
	void haproxyBalancesGrpcCallsOverTheApiServersConsulsDnsLists() throws Exception {
		ConsulAgent.assumeBuilt();
		HaproxyServer.assumeInstalled();
		ConsulAgent consul = this.closeables.add(ConsulAgent.start(this.workDir));
		int httpPort = FreePorts.next();
		int relayPort = FreePorts.next();
		int grpcPort = FreePorts.next();
		List<ServiceProcess> apiServers = new ArrayList<>();
		for (int i = 1; i <= 2; i++) {
			String address = "127.0.0." + (i + 1);
			// Each holds a series of its own, to tell which one answered: no catching up from the other.
			List<String> args = new ArrayList<>(consul.serviceArgs(address));
			args.add("--relay.api-server.catch-up.enabled=false");
			apiServers.add(this.closeables.add(Pipeline.apiServer("api-server-" + i, address, httpPort, this.workDir,
					this.workDir.resolve("api-server-" + i), relayPort, grpcPort, args).start()));
		}
		for (int i = 1; i <= 2; i++) {
			apiServers.get(i - 1).awaitHealthy(Pipeline.startupTimeout());
			ApiServerCalls.store("127.0.0." + (i + 1), relayPort, "api-server-" + i);
		}
		HaproxyServer haproxy = this.closeables.add(HaproxyServer.overConsul(consul.dnsPort(), httpPort, 2, this.workDir));
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", haproxy.port()).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));

		Map<String, Integer> answeredBy = ApiServerCalls.answeredBy(channel, 10);
		assertThat(answeredBy).containsOnlyKeys("api-server-1", "api-server-2");
		assertThat(answeredBy.values()).allMatch(calls -> calls >= 3);

		// Killed: HAProxy's own check and Consul's answer both drop it; calls go to the other one.
		apiServers.get(0).kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> haproxy.serversPassingChecks().size() == 1);
		assertThat(ApiServerCalls.answeredBy(channel, 10)).isEqualTo(Map.of("api-server-2", 10));
	}

	private String health(ServiceProcess service) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(service.url("/actuator/health"))).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

	/** The ports in Consul's DNS answer to the SRV query, as HAProxy's resolver sees them. */
	private static Set<Integer> srvPorts(ConsulAgent consul) throws Exception {
		Hashtable<String, String> environment = new Hashtable<>();
		environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
		environment.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + consul.dnsPort());
		Set<Integer> ports = new HashSet<>();
		DirContext dns = new InitialDirContext(environment);
		try {
			Attribute records = dns.getAttributes(API_SERVERS_SRV, new String[] { "SRV" }).get("SRV");
			if (records != null) {
				NamingEnumeration<?> values = records.getAll();
				while (values.hasMore()) {
					// "priority weight port target"
					ports.add(Integer.parseInt(values.next().toString().split(" ")[2]));
				}
			}
		}
		catch (javax.naming.NameNotFoundException ex) {
			// no passing instance
		}
		finally {
			dns.close();
		}
		return ports;
	}

}
