package io.prometheusrelay.apiserver.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.prometheusrelay.original.PrometheusServiceGrpc.PrometheusServiceBlockingStub;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** The read API over a real loopback gRPC server and a real store: LATEST, the matchers, and the contract's services. */
class PrometheusGrpcServiceTests extends GrpcServiceTestBase {

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

}
