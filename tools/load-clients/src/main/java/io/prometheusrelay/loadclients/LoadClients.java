package io.prometheusrelay.loadclients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The proxy benchmark's load: N applications in one JVM, each with its own Prometheus registry of M
 * counters (the same names in every application, as replicas of one service have) and its own
 * RSocket client. One source, built into two programs: against micrometer's published client 1.5.3
 * ({@code tools/compat/micrometer-client-1.5.3}) and against this project's client ({@code benchmarks}),
 * so that both proxies are measured under the same load.
 * <p>
 * Arguments: {@code host port applications series [claim-instance]}; with {@code claim-instance},
 * every application tags each of its series with an {@code instance} of its own, which the proxy's
 * identity overrides (the merge's slower path). Builds every registry first, then starts every
 * client at once and prints {@code CONNECTED <applications> <milliseconds>} when the last one has
 * received the proxy's key (from then on it can be scraped). Runs until killed.
 */
public final class LoadClients {

	/** Series per family: the {@code route} label's values. */
	public static final int SERIES_PER_FAMILY = 10;

	/** What differs between the two programs: the client library and the registry it scrapes. */
	public interface ClientLibrary {

		MeterRegistry newPrometheusRegistry();

		/** Starts a client (not blocking); {@code onKeyReceived} runs each time the proxy sends its key. */
		void connect(MeterRegistry registry, String host, int port, Runnable onKeyReceived);

	}

	private LoadClients() {
	}

	public static void run(String[] args, ClientLibrary library) throws InterruptedException {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		int applications = Integer.parseInt(args[2]);
		int series = Integer.parseInt(args[3]);
		boolean claimInstance = args.length > 4 && args[4].equals("claim-instance");
		if (series % SERIES_PER_FAMILY != 0) {
			throw new IllegalArgumentException("series must be a multiple of " + SERIES_PER_FAMILY);
		}
		List<MeterRegistry> registries = new ArrayList<>();
		for (int app = 0; app < applications; app++) {
			registries.add(registry(library, app, series, claimInstance));
		}
		System.out.println("READY " + applications + " x " + series);
		CountDownLatch connected = new CountDownLatch(applications);
		long start = System.nanoTime();
		for (MeterRegistry registry : registries) {
			AtomicBoolean first = new AtomicBoolean(true);
			library.connect(registry, host, port, () -> {
				if (first.compareAndSet(true, false)) {
					connected.countDown();
				}
			});
		}
		while (!connected.await(10, TimeUnit.SECONDS)) {
			System.out.println("WAITING " + (applications - connected.getCount()) + " connected");
		}
		System.out.println("CONNECTED " + applications + " " + Duration.ofNanos(System.nanoTime() - start).toMillis());
		Thread.sleep(Long.MAX_VALUE);
	}

	private static MeterRegistry registry(ClientLibrary library, int app, int series, boolean claimInstance) {
		MeterRegistry registry = library.newPrometheusRegistry();
		if (claimInstance) {
			registry.config().commonTags("instance", "app-" + app);
		}
		for (int family = 0; family < series / SERIES_PER_FAMILY; family++) {
			for (int route = 0; route < SERIES_PER_FAMILY; route++) {
				Counter.builder("bench.family" + family)
					.description("Benchmark family " + family)
					.tag("route", "/route/" + route)
					.register(registry)
					.increment(app + route);
			}
		}
		return registry;
	}

}
