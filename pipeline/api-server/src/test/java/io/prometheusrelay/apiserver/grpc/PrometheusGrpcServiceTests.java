package io.prometheusrelay.apiserver.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.store.FsyncPolicy;
import io.prometheusrelay.apiserver.store.LatestIndex.IndexedSeries;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.SeriesKey;
import io.prometheusrelay.apiserver.store.StoreOptions;
import io.prometheusrelay.pipeline.auth.AuthProperties;
import io.prometheusrelay.pipeline.auth.Credentials;
import io.prometheusrelay.original.PrometheusServiceGrpc.PrometheusServiceBlockingStub;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** The read API over a real loopback gRPC server and a real store. */
class PrometheusGrpcServiceTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path dataDir;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private SegmentStore store;

	@BeforeEach
	void openStore() throws Exception {
		this.store = this.closeables.add(SegmentStore.open(new StoreOptions(this.dataDir, FsyncPolicy.NEVER,
				Duration.ofSeconds(1), 64 << 20, Duration.ofHours(1), Duration.ofDays(1), 1L << 30, 1024, true),
				Clock.systemUTC(), this.registry));
		append(series("up", 1, 1000, "job", "node", "instance", "a"), series("up", 0, 1000, "job", "node", "instance", "b"),
				series("up", 1, 1000, "job", "api", "instance", "c"),
				series("http_requests_total", 42, 1000, "job", "api", "instance", "c", "code", "200"),
				series("http_requests_total", 7, 1000, "job", "api", "instance", "c", "code", "500"));
		append(series("up", 5, 2000, "job", "node", "instance", "a"));
	}

	@Test
	void latestStreamsTheNewestSampleOfEverySeries() {
		Map<String, String> latest = read(request());
		assertThat(latest).hasSize(5)
			.containsEntry("{__name__=up, instance=a, job=node}", "5.0@2000")
			.containsEntry("{__name__=up, instance=b, job=node}", "0.0@1000")
			.containsEntry("{__name__=http_requests_total, code=500, instance=c, job=api}", "7.0@1000");
	}

	@Test
	void equalityMatcherSelectsByValue() {
		assertThat(read(request(matcher(LabelMatcher.Type.EQ, "job", "node")))).hasSize(2);
		assertThat(read(request(matcher(LabelMatcher.Type.EQ, "__name__", "http_requests_total")))).hasSize(2);
	}

	@Test
	void inequalityMatcherSelectsEverythingElseIncludingSeriesWithoutTheLabel() {
		assertThat(read(request(matcher(LabelMatcher.Type.NEQ, "code", "200")))).hasSize(4)
			.doesNotContainKey("{__name__=http_requests_total, code=200, instance=c, job=api}");
	}

	@Test
	void regexMatcherIsAnchoredAsInPromQl() {
		assertThat(read(request(matcher(LabelMatcher.Type.RE, "code", "5..")))).hasSize(1);
		assertThat(read(request(matcher(LabelMatcher.Type.RE, "code", "5")))).as("anchored").isEmpty();
		assertThat(read(request(matcher(LabelMatcher.Type.RE, "__name__", "up|http_.*")))).hasSize(5);
	}

	@Test
	void negativeRegexMatcherExcludesMatchingValues() {
		assertThat(read(request(matcher(LabelMatcher.Type.NRE, "instance", "[ab]")))).hasSize(3);
	}

	@Test
	void emptyValueMatchesSeriesWithoutTheLabelAsInPromQl() {
		assertThat(read(request(matcher(LabelMatcher.Type.EQ, "code", "")))).hasSize(3);
	}

	@Test
	void allMatchersMustMatch() {
		assertThat(read(request(matcher(LabelMatcher.Type.EQ, "__name__", "up"), matcher(LabelMatcher.Type.EQ, "job", "api"),
				matcher(LabelMatcher.Type.NRE, "instance", "a|b"))))
			.containsOnlyKeys("{__name__=up, instance=c, job=api}");
	}

	@Test
	void batchesCarryTheSameSeriesManyPerMessage() {
		PrometheusServiceGrpc.PrometheusServiceBlockingStub stub = stub(server(new ReadLimits(16, 16, 8, 64, 4096, 2, 1 << 20, 2, 64)));
		List<MetricsBatch> batches = new ArrayList<>();
		stub.getMetricsBatches(request()).forEachRemaining(batches::add);
		assertThat(batches).hasSize(3);
		assertThat(batches).allSatisfy(batch -> assertThat(batch.getTimeSeriesCount()).isBetween(1, 2));
		Map<String, String> latest = new TreeMap<>();
		batches.forEach(batch -> batch.getTimeSeriesList().forEach(series -> put(latest, series)));
		assertThat(latest).isEqualTo(read(request()));
	}

	@Test
	void refusesAnInvalidRegexWithInvalidArgument() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> read(request(matcher(LabelMatcher.Type.RE, "job", "(unclosed"))))
			.satisfies(ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).startsWith("invalid regular expression for 'job'");
			});
	}

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
	void refusesARegexWhoseProgramIsTooLargeWithInvalidArgument() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> read(request(matcher(LabelMatcher.Type.RE, "job", "(.*){1,1000}[0-9]"))))
			.satisfies(ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).startsWith("regular expression for 'job' is too complex");
			});
	}

	@Test
	void refusesTooManyMatchersWithInvalidArgument() {
		LabelMatcher[] matchers = new LabelMatcher[9];
		java.util.Arrays.fill(matchers, matcher(LabelMatcher.Type.EQ, "job", "node"));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub(server(new ReadLimits(16, 16, 8, 64, 4096, 100, 1 << 20, 2, 64))).getMetrics(request(matchers))
				.forEachRemaining(series -> {
				}))
			.satisfies(ex -> assertThat(ex.getStatus().getDescription()).isEqualTo("too many matchers: 9 (at most 8)"));
	}

	@Test
	void refusesAMatcherWithoutALabelName() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> read(request(matcher(LabelMatcher.Type.EQ, "", "x"))))
			.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
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
		long totalBytes = 200_000L * TimeSeries.parseFrom(SeriesEncoding.timeSeries(new IndexedSeries(
				SeriesKey.fromEncoded(series("filler", 0, 3000, "job", "fill", "n", "100000", "pad", padding).toBuilder()
					.clearSamples()
					.build()
					.toByteArray()),
				0, 3000))).getSerializedSize();
		// What the server produced beyond what the client read sits in the client's 64 KiB window, the
		// kernel's socket buffers and the server's on-ready threshold: bounded, and far below the result.
		assertThat(maxAheadBytes).isPositive().isLessThan(16L << 20).isLessThan(totalBytes / 3);
	}

	@Test
	void aClientGeneratedFromTheOriginalProtoReceivesTheLatestStream() throws Exception {
		GrpcReadServer server = server(defaultLimits());
		PrometheusServiceBlockingStub original = io.prometheusrelay.original.PrometheusServiceGrpc
			.newBlockingStub(channel(server));
		List<io.prometheusrelay.original.TimeSeries> received = new ArrayList<>();
		original.getMetrics(io.prometheusrelay.original.GetMetricsRequest.newBuilder().setId(7).build())
			.forEachRemaining(received::add);
		assertThat(received).hasSize(5);
		assertThat(received).anySatisfy(series -> {
			assertThat(series.getLabelsList()).extracting(io.prometheusrelay.original.Label::getValue)
				.containsExactly("up", "a", "node");
			assertThat(series.getSamples(0).getValue()).isEqualTo(5.0);
			assertThat(series.getSamples(0).getTimestamp()).isEqualTo(2000);
		});
	}

	@Test
	void servesTheStandardHealthService() {
		GrpcReadServer server = server(defaultLimits());
		HealthCheckResponse response = HealthGrpc.newBlockingStub(channel(server))
			.check(HealthCheckRequest.newBuilder().setService("prometheus.PrometheusService").build());
		assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
	}

	@Test
	void servesReflectionWithTheServiceSchema() throws Exception {
		GrpcReadServer server = server(defaultLimits());
		List<io.grpc.reflection.v1.ServerReflectionResponse> responses = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
		io.grpc.stub.StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests = io.grpc.reflection.v1.ServerReflectionGrpc
			.newStub(channel(server))
			.serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
				@Override
				public void onNext(io.grpc.reflection.v1.ServerReflectionResponse response) {
					responses.add(response);
				}

				@Override
				public void onError(Throwable error) {
					done.countDown();
				}

				@Override
				public void onCompleted() {
					done.countDown();
				}
			});
		requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
		requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
			.setFileContainingSymbol("prometheus.PrometheusService")
			.build());
		requests.onCompleted();
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(responses).hasSize(2);
		assertThat(responses.get(0).getListServicesResponse().getServiceList())
			.extracting(io.grpc.reflection.v1.ServiceResponse::getName)
			.contains("prometheus.PrometheusService", "grpc.health.v1.Health");
		com.google.protobuf.DescriptorProtos.FileDescriptorProto file = com.google.protobuf.DescriptorProtos.FileDescriptorProto
			.parseFrom(responses.get(1).getFileDescriptorResponse().getFileDescriptorProto(0));
		assertThat(file.getServiceList()).singleElement()
			.satisfies(service -> assertThat(service.getMethodList())
				.extracting(com.google.protobuf.DescriptorProtos.MethodDescriptorProto::getName)
				.containsExactly("GetMetrics", "GetMetricsBatches"));
	}

	@Test
	void followSendsTheLatestThenEverySampleStoredAfterTheCallStarted() throws Exception {
		PrometheusGrpcService service = service(defaultLimits());
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		Context.CancellableContext context = Context.current().withCancellation();
		Iterator<TimeSeries> stream = context.call(() -> PrometheusServiceGrpc.newBlockingStub(channel(server))
			.getMetrics(request(matcher(LabelMatcher.Type.EQ, "instance", "a")).toBuilder().setMode(ReadMode.FOLLOW).build()));
		Map<String, String> received = new TreeMap<>();
		put(received, stream.next());
		assertThat(received).containsExactly(Map.entry("{__name__=up, instance=a, job=node}", "5.0@2000"));
		append(series("up", 6, 3000, "job", "node", "instance", "a"), series("up", 9, 3000, "job", "node", "instance", "b"));
		append(series("up", 7, 4000, "job", "node", "instance", "a"));
		received.clear();
		put(received, stream.next());
		assertThat(received).containsExactly(Map.entry("{__name__=up, instance=a, job=node}", "6.0@3000"));
		received.clear();
		put(received, stream.next());
		assertThat(received).containsExactly(Map.entry("{__name__=up, instance=a, job=node}", "7.0@4000"));
		context.cancel(null);
		await().atMost(Duration.ofSeconds(5)).until(() -> service.activeCalls() == 0);
	}

	@Test
	void followEndsAFollowerThatFallsTooFarBehind() throws Exception {
		FollowSource follow = this.closeables.add(new FollowSource(this.store, io.prometheusrelay.apiserver.query.SeriesSelector.all(), 2));
		for (int i = 0; i < 3; i++) {
			append(series("up", i, 5000 + i, "job", "node", "instance", "a"));
		}
		assertThat(follow.failure()).hasValueSatisfying(status -> {
			assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			assertThat(status.getDescription()).startsWith("follower too slow");
		});
	}

	@Test
	void rangeStreamsEveryStoredSampleInRangeAcrossSegmentsAndAfterARestart() throws Exception {
		Path rangeDir = this.dataDir.resolve("range");
		StoreOptions options = new StoreOptions(rangeDir, FsyncPolicy.NEVER, Duration.ofSeconds(1), 200,
				Duration.ofHours(1), Duration.ofDays(1), 1L << 30, 1024, true);
		SegmentStore rangeStore = SegmentStore.open(options, Clock.systemUTC(), this.registry);
		long now = System.currentTimeMillis();
		for (int i = 0; i < 10; i++) {
			rangeStore.append(WriteRequest.newBuilder()
				.addTimeseries(series("r", i, now + i * 1000L, "job", "range"))
				.addTimeseries(series("other", i, now + i * 1000L, "job", "range"))
				.build()
				.toByteArray()).get(10, TimeUnit.SECONDS);
		}
		assertThat(rangeStore.segments()).as("several segments").hasSizeGreaterThan(3);
		GetMetricsRequest request = request(matcher(LabelMatcher.Type.EQ, "__name__", "r")).toBuilder()
			.setMode(ReadMode.RANGE)
			.setStartTimestampMs(now + 3000)
			.setEndTimestampMs(now + 7000)
			.build();
		List<Long> expected = List.of(now + 3000, now + 4000, now + 5000, now + 6000, now + 7000);
		assertThat(rangeTimestamps(rangeStore, request)).isEqualTo(expected);
		rangeStore.close();
		SegmentStore restarted = this.closeables.add(SegmentStore.open(options, Clock.systemUTC(), new SimpleMeterRegistry()));
		assertThat(rangeTimestamps(restarted, request)).isEqualTo(expected);
	}

	@Test
	void refusesAnInvertedRange() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> read(request().toBuilder().setMode(ReadMode.RANGE).setStartTimestampMs(2000).setEndTimestampMs(1000).build()))
			.satisfies(ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).isEqualTo("inverted range: end 1000 is before start 2000");
			});
	}

	private List<Long> rangeTimestamps(SegmentStore rangeStore, GetMetricsRequest request) {
		PrometheusGrpcService service = new PrometheusGrpcService(rangeStore, defaultLimits(), new SimpleMeterRegistry());
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		List<Long> timestamps = new ArrayList<>();
		PrometheusServiceGrpc.newBlockingStub(channel(server))
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.getMetricsBatches(request)
			.forEachRemaining(batch -> batch.getTimeSeriesList()
				.forEach(series -> series.getSamplesList().forEach(sample -> timestamps.add(sample.getTimestamp()))));
		timestamps.sort(null);
		return timestamps;
	}

	private Map<String, String> read(GetMetricsRequest request) {
		Map<String, String> latest = new TreeMap<>();
		stub(server(defaultLimits())).getMetrics(request).forEachRemaining(series -> put(latest, series));
		return latest;
	}

	private static void put(Map<String, String> latest, TimeSeries series) {
		String labels = series.getLabelsList()
			.stream()
			.map(label -> label.getName() + "=" + label.getValue())
			.collect(Collectors.joining(", ", "{", "}"));
		assertThat(series.getSamplesCount()).isEqualTo(1);
		latest.put(labels, series.getSamples(0).getValue() + "@" + series.getSamples(0).getTimestamp());
	}

	private GrpcReadServer server(ReadLimits limits) {
		return this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service(limits), Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
	}

	private PrometheusGrpcService service(ReadLimits limits) {
		return new PrometheusGrpcService(this.store, limits, this.registry);
	}

	private static ReadLimits defaultLimits() {
		return new ReadLimits(16, 16, 8, 64, 4096, 100, 1 << 20, 2, 64);
	}

	private ManagedChannel channel(GrpcReadServer server) {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return channel;
	}

	private PrometheusServiceGrpc.PrometheusServiceBlockingStub stub(GrpcReadServer server) {
		return PrometheusServiceGrpc.newBlockingStub(channel(server));
	}

	private static GetMetricsRequest request(LabelMatcher... matchers) {
		return GetMetricsRequest.newBuilder().setId(1).addAllMatchers(List.of(matchers)).build();
	}

	private static LabelMatcher matcher(LabelMatcher.Type type, String name, String value) {
		return LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
	}

	private void append(TimeSeries... series) throws Exception {
		this.store.append(WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build().toByteArray())
			.get(10, TimeUnit.SECONDS);
	}

	private void fill(int count) throws Exception {
		fill(count, "");
	}

	private void fill(int count, String padding) throws Exception {
		List<TimeSeries> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(padding.isEmpty() ? series("filler", i, 3000, "job", "fill", "n", Integer.toString(i))
					: series("filler", i, 3000, "job", "fill", "n", Integer.toString(i), "pad", padding));
			if (batch.size() == 5000) {
				append(batch.toArray(TimeSeries[]::new));
				batch.clear();
			}
		}
		if (!batch.isEmpty()) {
			append(batch.toArray(TimeSeries[]::new));
		}
	}

	private static TimeSeries series(String name, double value, long timestamp, String... labels) {
		TreeMap<String, String> sorted = new TreeMap<>();
		sorted.put("__name__", name);
		for (int i = 0; i < labels.length; i += 2) {
			sorted.put(labels[i], labels[i + 1]);
		}
		TimeSeries.Builder builder = TimeSeries.newBuilder();
		sorted.forEach((n, v) -> builder.addLabels(Label.newBuilder().setName(n).setValue(v)));
		return builder.addSamples(Sample.newBuilder().setValue(value).setTimestamp(timestamp)).build();
	}

}
