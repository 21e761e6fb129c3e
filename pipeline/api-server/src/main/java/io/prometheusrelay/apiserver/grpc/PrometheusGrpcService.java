package io.prometheusrelay.apiserver.grpc;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.query.InvalidQueryException;
import io.prometheusrelay.apiserver.query.Selector;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.tsdb.Tsdb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code prometheus.PrometheusService}: the original {@code GetMetrics} (one TimeSeries per message)
 * and {@code GetMetricsBatches} (MetricsBatch messages of many series).
 * <p>
 * The methods are the generated descriptors bound to a pass-through response marshaller, so that a
 * MetricsBatch is written from its series' messages without being built as an object; the schema
 * descriptor is kept, so server reflection describes the service as generated.
 */
public final class PrometheusGrpcService {

	private static final Logger logger = LoggerFactory.getLogger(PrometheusGrpcService.class);

	private static final MethodDescriptor<GetMetricsRequest, EncodedMessage> GET_METRICS = PrometheusServiceGrpc
		.getGetMetricsMethod()
		.toBuilder(PrometheusServiceGrpc.getGetMetricsMethod().getRequestMarshaller(), EncodedMessage.MARSHALLER)
		.build();

	private static final MethodDescriptor<GetMetricsRequest, EncodedMessage> GET_METRICS_BATCHES = PrometheusServiceGrpc
		.getGetMetricsBatchesMethod()
		.toBuilder(PrometheusServiceGrpc.getGetMetricsBatchesMethod().getRequestMarshaller(), EncodedMessage.MARSHALLER)
		.build();

	/** FOLLOW and RANGE calls waiting in a source's queue, at most. */
	private static final int SOURCE_QUEUE = 4096;

	private final Tsdb tsdb;

	private final ReadLimits limits;

	private final GrpcMetrics metrics;

	/** Runs drains that a source (not gRPC) triggers: FOLLOW's new samples, RANGE's reader. */
	private final ExecutorService wakeUps = Executors.newFixedThreadPool(2, daemonThreads("grpc-wake-up"));

	/**
	 * Drains calls that read the store as they drain (LATEST, FOLLOW) or whose selector runs
	 * regular-expression patterns, off the transport threads: an event loop serves every other call on it.
	 */
	private final ExecutorService matching = Executors.newFixedThreadPool(2, daemonThreads("grpc-matching"));

	/** Reads blocks and the head for RANGE calls, off the transport threads. */
	private final ExecutorService rangeReaders;

	private final Semaphore rangeReadPermits;

	private final CallsPerClient callsPerClient;

	public PrometheusGrpcService(Tsdb tsdb, ReadLimits limits, MeterRegistry registry) {
		this.tsdb = tsdb;
		this.limits = limits;
		this.metrics = new GrpcMetrics();
		this.metrics.bindTo(registry);
		this.callsPerClient = new CallsPerClient(limits.maxCallsPerClient());
		this.callsPerClient.bindTo(registry);
		this.rangeReaders = Executors.newFixedThreadPool(limits.maxConcurrentRangeReads(), daemonThreads("grpc-range-read"));
		this.rangeReadPermits = new Semaphore(limits.maxConcurrentRangeReads());
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return runnable -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Serves RANGE calls to no one, so that a client's first finds the read path compiled
	 * ({@link ReadWarmUp}); before the server takes calls.
	 */
	public void warmUp() throws InterruptedException {
		try {
			ReadWarmUp.Result result = warmUp(ReadWarmUp.BUDGET);
			logger.info("Read path warmed up in {} ms: {} series, {} bytes read and dropped", result.took().toMillis(),
					result.series(), result.bytes());
		}
		catch (RuntimeException ex) {
			// Only the first call's speed is at stake: never a reason not to start.
			logger.warn("Read path not warmed up: {}", ex.toString());
		}
	}

	ReadWarmUp.Result warmUp(Duration budget) throws InterruptedException {
		return new ReadWarmUp(this.tsdb, request -> MessageSource.batched(open(request, selector(request)),
				this.limits.maxBatchSeries(), this.limits.maxBatchBytes()))
			.run(budget);
	}

	/** RANGE reads that could start now. */
	int rangeReadsAvailable() {
		return this.rangeReadPermits.availablePermits();
	}

	/** Stops the helper threads; after the gRPC server has stopped. */
	public void close() {
		this.wakeUps.shutdownNow();
		this.matching.shutdownNow();
		this.rangeReaders.shutdownNow();
	}

	public ServerServiceDefinition bindService() {
		ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(PrometheusServiceGrpc.SERVICE_NAME)
			.setSchemaDescriptor(PrometheusServiceGrpc.getServiceDescriptor().getSchemaDescriptor())
			.addMethod(GET_METRICS)
			.addMethod(GET_METRICS_BATCHES)
			.build();
		ServerServiceDefinition service = ServerServiceDefinition.builder(descriptor)
			.addMethod(GET_METRICS, ServerCalls.asyncServerStreamingCall(this::getMetrics))
			.addMethod(GET_METRICS_BATCHES, ServerCalls.asyncServerStreamingCall(this::getMetricsBatches))
			.build();
		return ServerInterceptors.intercept(service, this.callsPerClient);
	}

	/** Streaming calls in progress, both methods. */
	public int activeCalls() {
		return this.metrics.activeCalls();
	}

	private void getMetrics(GetMetricsRequest request, StreamObserver<EncodedMessage> observer) {
		stream(request, observer, false);
	}

	private void getMetricsBatches(GetMetricsRequest request, StreamObserver<EncodedMessage> observer) {
		stream(request, observer, true);
	}

	private void stream(GetMetricsRequest request, StreamObserver<EncodedMessage> observer, boolean batched) {
		long arrived = System.nanoTime();
		if (activeCalls() >= this.limits.maxConcurrentCalls()) {
			this.metrics.exhausted();
			observer.onError(Status.RESOURCE_EXHAUSTED
				.withDescription("too many streaming calls (" + this.limits.maxConcurrentCalls() + "); retry later")
				.asRuntimeException());
			return;
		}
		Selector selector;
		SeriesSource series;
		try {
			selector = selector(request);
			series = open(request, selector);
		}
		catch (InvalidQueryException ex) {
			this.metrics.invalid();
			logger.debug("Read request {} refused: {}", request.getId(), ex.getMessage());
			observer.onError(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		catch (TooManyReadsException ex) {
			this.metrics.exhausted();
			observer.onError(Status.RESOURCE_EXHAUSTED.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		MessageSource messages = batched
				? MessageSource.batched(series, this.limits.maxBatchSeries(), this.limits.maxBatchBytes())
				: MessageSource.single(series);
		new StreamingCall((ServerCallStreamObserver<EncodedMessage>) observer, messages,
				batched ? this.metrics.getMetricsBatches : this.metrics.getMetrics, request.getMode(), arrived,
				this.wakeUps, drains(request, selector))
			.start();
	}

	/**
	 * Where drains gRPC triggers run: a RANGE call's drain only takes from its reader's queue, on the
	 * transport's thread unless its matchers run patterns; LATEST and FOLLOW read the head and the
	 * blocks as they drain (index and chunks, memory-mapped), off the event loops.
	 */
	private Executor drains(GetMetricsRequest request, Selector selector) {
		return (request.getMode() == ReadMode.RANGE && !selector.runsPatterns()) ? Runnable::run : this.matching;
	}

	/** The request's matchers, within the read limits. */
	private Selector selector(GetMetricsRequest request) {
		return Selector.compile(request.getMatchersList(), this.limits.maxMatchers(), this.limits.maxRegexLength(),
				this.limits.maxRegexProgramSize());
	}

	/** The request's series, with each family's metadata before its first series. */
	private SeriesSource open(GetMetricsRequest request, Selector selector) {
		return new MetadataSource(openSeries(request, selector), this.tsdb.head());
	}

	private SeriesSource openSeries(GetMetricsRequest request, Selector selector) {
		return switch (request.getMode()) {
			case LATEST -> new LatestSource(this.tsdb, selector);
			case FOLLOW -> new FollowSource(this.tsdb, selector, this.limits.maxFollowLagBatches());
			case RANGE -> openRange(request, selector);
			case UNRECOGNIZED -> throw new InvalidQueryException("unknown mode " + request.getModeValue());
		};
	}

	private SeriesSource openRange(GetMetricsRequest request, Selector selector) {
		long start = request.getStartTimestampMs();
		long end = (request.getEndTimestampMs() == 0) ? System.currentTimeMillis() : request.getEndTimestampMs();
		if (end < start) {
			throw new InvalidQueryException("inverted range: end " + end + " is before start " + start);
		}
		if (!this.rangeReadPermits.tryAcquire()) {
			throw new TooManyReadsException("too many RANGE reads in progress (" + this.limits.maxConcurrentRangeReads()
					+ "); retry later");
		}
		try {
			return new RangeSource(this.tsdb, selector, start, end, SOURCE_QUEUE, this.rangeReaders,
					this.rangeReadPermits);
		}
		catch (RuntimeException ex) {
			// The reader that would have released the permit never started.
			this.rangeReadPermits.release();
			throw ex;
		}
	}

	/** Past the limit of concurrent RANGE reads: RESOURCE_EXHAUSTED. */
	private static final class TooManyReadsException extends RuntimeException {

		TooManyReadsException(String message) {
			super(message, null, false, false);
		}

	}

}
