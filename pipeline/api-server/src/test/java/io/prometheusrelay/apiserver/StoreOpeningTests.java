package io.prometheusrelay.apiserver;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;

import io.prometheusrelay.log.DataDirectoryLock.DataDirectoryInUseException;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The api-server opens its store while Spring starts: the store it serves is the one opened ahead, a
 * store that cannot be opened fails the start as before, and a start that fails for another reason
 * closes the store it opened.
 */
class StoreOpeningTests {

	@TempDir
	Path dataDir;

	@Test
	void servesTheStoreOpenedWhileSpringStarted() throws Exception {
		try (ConfigurableApplicationContext context = start(0)) {
			Tsdb tsdb = context.getBean(Tsdb.class);
			StoreOpening opening = context.getBean(StoreOpening.class);
			assertThat(opening.take(tsdb.options())).as("taken once, by the store bean").isNull();
			assertThat(tsdb.options().dataDir()).isEqualTo(this.dataDir);
		}
		try (Tsdb reopened = Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC())) {
			assertThat(reopened.headSeries()).isZero();
		}
	}

	@Test
	void aStoreThatCannotBeOpenedFailsTheStart() throws Exception {
		try (Tsdb inUse = Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC())) {
			assertThatException().isThrownBy(() -> start(0).close())
				.withRootCauseInstanceOf(DataDirectoryInUseException.class);
		}
	}

	@Test
	void aStartThatFailsClosesTheStoreItOpenedAhead() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThatException().isThrownBy(() -> start(taken.getLocalPort()).close());
		}
		// Closed before the start's failure reached this thread: the directory is free at once.
		try (Tsdb reopened = Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC())) {
			assertThat(reopened.headSeries()).isZero();
		}
	}

	private ConfigurableApplicationContext start(int grpcPort) {
		return ApiServerApplication.application()
			.run("--server.port=0", "--relay.api-server.relay.port=0", "--relay.api-server.relay.host=127.0.0.1",
					"--relay.api-server.grpc.port=" + grpcPort, "--relay.api-server.grpc.host=127.0.0.1",
					"--relay.api-server.catch-up.enabled=false", "--relay.api-server.store.data-dir=" + this.dataDir,
					"--spring.cloud.consul.enabled=false");
	}

}
