package io.prometheusrelay.apiserver.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.prometheusrelay.pipeline.auth.AuthProperties;
import io.prometheusrelay.pipeline.auth.Credentials;
import io.prometheusrelay.original.PrometheusServiceGrpc.PrometheusServiceBlockingStub;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The read API's limits on calls: concurrency in all and per client, deadlines, cancellation,
 * slow readers and regexes that would take too long. A hostile or slow client is refused or ended
 * and holds the server to a bounded amount of work; another client is still served.
 */
class GrpcCallLimitsTests extends GrpcServiceTestBase {

	@Test
	void theIssuesCatastrophicMatcherIsRefusedAtOnceAndABacktrackingOneAnsweredWithinItsDeadline() throws Exception {
		// The issue: over one series whose job is 40 characters long, java.util.regex had not answered in 8 s.
		append(series("up", 1, 3000, "job", "a".repeat(40)));
		PrometheusServiceGrpc.PrometheusServiceBlockingStub stub = stub(server(defaultLimits()))
			.withDeadlineAfter(8, TimeUnit.SECONDS);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.getMetrics(request(matcher(LabelMatcher.Type.RE, "job", "(.*){1,32000}[0-9]")))
				.forEachRemaining(series -> {
				}))
			.satisfies(ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).contains("invalid repeat count");
			});
		List<TimeSeries> matched = new ArrayList<>();
		stub.getMetrics(request(matcher(LabelMatcher.Type.RE, "job", "(a|a)*b"))).forEachRemaining(matched::add);
		assertThat(matched).isEmpty();
		stub.getMetrics(request(matcher(LabelMatcher.Type.RE, "job", "(a|a)*"))).forEachRemaining(matched::add);
		assertThat(matched).hasSize(1);
	}

	@Test
	void aRegexScanStopsWhenItsCallEndsAndFreesTheMatchingThreads() throws Exception {
		// About 3 ms per 40-character value at this program size (BENCHMARKS.md), each value distinct so
		// that the call cannot answer from what it remembers: a minute for the scan.
		List<TimeSeries> distinct = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			distinct.add(series("filler", i, 3000, "job", "fill", "pad", String.format("%040d", i).replace('0', 'x')));
		}
		append(distinct.toArray(TimeSeries[]::new));
		LabelMatcher slow = matcher(LabelMatcher.Type.RE, "pad", "(.*){1,800}[a]");
		PrometheusServiceGrpc.PrometheusServiceBlockingStub stub = stub(server(defaultLimits()));
		// More slow calls than matching threads: if a scan outlived its call, the pool would stay busy.
		for (int i = 0; i < 3; i++) {
			Iterator<TimeSeries> stream = stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS).getMetrics(request(slow));
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(stream::hasNext)
				.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		}
		List<TimeSeries> matched = new ArrayList<>();
		stub.withDeadlineAfter(5, TimeUnit.SECONDS)
			.getMetrics(request(matcher(LabelMatcher.Type.RE, "job", "no.e")))
			.forEachRemaining(matched::add);
		assertThat(matched).hasSize(2);
	}

	@Test
	void refusesCallsPastTheConcurrencyLimitWithResourceExhausted() throws Exception {
		fill(20_000);
		GrpcReadServer server = server(new ReadLimits(1, 16, 8, 64, 4096, 100, 1 << 20, 2, 64));
		ManagedChannel channel = channel(server);
		// A call nobody reads stays open: its server side is blocked by flow control.
		Iterator<TimeSeries> unread = PrometheusServiceGrpc.newBlockingStub(channel).getMetrics(request());
		unread.next();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> PrometheusServiceGrpc.newBlockingStub(channel).getMetrics(request()).next())
			.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
	}

	@Test
	void aClientPastItsShareOfCallsIsRefusedWhileAnotherClientIsServed() throws Exception {
		GrpcReadServer server = server(new ReadLimits(16, 2, 8, 64, 4096, 100, 1 << 20, 2, 64));
		ManagedChannel greedy = channel(server);
		List<Iterator<TimeSeries>> unread = holdCalls(greedy, 2);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> PrometheusServiceGrpc.newBlockingStub(greedy).getMetrics(request()).next())
			.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
		assertThat(this.registry.get("relay.grpc.calls.rejected").tag("reason", "per_client").functionCounter().count())
			.isEqualTo(1);
		// Another address is another client: it is served although the first still holds its calls.
		ManagedChannel other = channelFrom("127.0.0.2", server);
		assertThat(PrometheusServiceGrpc.newBlockingStub(other).getMetrics(request()).hasNext()).isTrue();
		assertThat(unread).allSatisfy(call -> assertThat(call.hasNext()).isTrue());
	}

	@Test
	void withCredentialsEachCredentialIsOneClientWhateverAddressItCallsFrom() throws Exception {
		AuthProperties auth = new AuthProperties();
		for (String token : List.of("token-a", "token-b")) {
			AuthProperties.Bearer bearer = new AuthProperties.Bearer();
			bearer.setToken(token);
			auth.getBearer().add(bearer);
		}
		GrpcEndpoint endpoint = new GrpcEndpoint("127.0.0.1", 0, InsecureServerCredentials.create(),
				new GrpcAuthentication(Credentials.from(auth, "relay.api-server.grpc.auth")));
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start(endpoint,
				service(new ReadLimits(16, 1, 8, 64, 4096, 100, 1 << 20, 2, 64)), Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		Context.CancellableContext held = Context.current().withCancellation();
		Iterator<TimeSeries> first = held.call(() -> withToken(channel(server), "token-a").getMetrics(follow()));
		first.next();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> withToken(channelFrom("127.0.0.2", server), "token-a").getMetrics(request()).next())
			.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
		assertThat(withToken(channel(server), "token-b").getMetrics(request()).hasNext()).isTrue();
		// A call that ends gives its client's share back.
		held.cancel(null);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(withToken(channel(server), "token-a").getMetrics(request()).hasNext()).isTrue());
	}

	/** FOLLOW: the latest samples, then the call stays open for new ones until it is cancelled. */
	private static GetMetricsRequest follow() {
		return request().toBuilder().setMode(ReadMode.FOLLOW).build();
	}

	private static List<Iterator<TimeSeries>> holdCalls(ManagedChannel channel, int calls) {
		List<Iterator<TimeSeries>> held = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			Iterator<TimeSeries> call = PrometheusServiceGrpc.newBlockingStub(channel).getMetrics(follow());
			call.next();
			held.add(call);
		}
		return held;
	}

	private static PrometheusServiceGrpc.PrometheusServiceBlockingStub withToken(ManagedChannel channel, String token) {
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
		return PrometheusServiceGrpc.newBlockingStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
	}

	/** A channel whose connections come from {@code localAddress} (any 127/8 address is this host's). */
	private ManagedChannel channelFrom(String localAddress, GrpcReadServer server) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
			.usePlaintext()
			.localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {

				@Override
				public SocketAddress createSocketAddress(SocketAddress remoteAddress, Attributes attrs) {
					return new InetSocketAddress(localAddress, 0);
				}

			})
			.build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return channel;
	}

	@Test
	void cancellingACallEndsItOnTheServer() throws Exception {
		fill(50_000);
		PrometheusGrpcService service = service(defaultLimits());
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		Context.CancellableContext context = Context.current().withCancellation();
		Iterator<TimeSeries> stream = context.call(() -> PrometheusServiceGrpc.newBlockingStub(channel(server)).getMetrics(request()));
		stream.next();
		assertThat(service.activeCalls()).isEqualTo(1);
		context.cancel(null);
		await().atMost(Duration.ofSeconds(5)).until(() -> service.activeCalls() == 0);
		assertThat(this.registry.get("relay.grpc.calls.cancelled").tag("method", "GetMetrics").functionCounter().count()).isEqualTo(1);
	}

	@Test
	void aPassedDeadlineEndsTheCallOnBothSides() throws Exception {
		fill(50_000);
		PrometheusGrpcService service = service(defaultLimits());
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		Iterator<TimeSeries> stream = PrometheusServiceGrpc.newBlockingStub(channel(server))
			.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
			.getMetrics(request());
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> {
			while (stream.hasNext()) {
				stream.next();
				Thread.sleep(1);
			}
		}).satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		await().atMost(Duration.ofSeconds(5)).until(() -> service.activeCalls() == 0);
	}

	@Test
	void aSlowReaderHoldsTheServerToABoundedAmountOfData() throws Exception {
		String padding = "x".repeat(200);
		fill(200_000, padding);
		GrpcReadServer server = server(defaultLimits());
		ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
			.forAddress("127.0.0.1", server.port())
			.usePlaintext()
			.flowControlWindow(64 * 1024)
			.build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		Iterator<TimeSeries> stream = PrometheusServiceGrpc.newBlockingStub(channel).getMetrics(request());
		long receivedBytes = 0;
		long maxAheadBytes = 0;
		for (int i = 0; i < 2_000; i++) {
			receivedBytes += stream.next().getSerializedSize();
			if (i % 200 == 0) {
				Thread.sleep(200);
				long sentBytes = (long) this.registry.get("relay.grpc.sent").tag("method", "GetMetrics").functionCounter().count();
				maxAheadBytes = Math.max(maxAheadBytes, sentBytes - receivedBytes);
			}
		}
		long totalBytes = 200_000L
				* series("filler", 0, 3000, "job", "fill", "n", "100000", "pad", padding).getSerializedSize();
		// What the server produced beyond what the client read sits in the client's 64 KiB window, the
		// kernel's socket buffers and the server's on-ready threshold: bounded, and far below the result.
		assertThat(maxAheadBytes).isPositive().isLessThan(16L << 20).isLessThan(totalBytes / 3);
	}

}
