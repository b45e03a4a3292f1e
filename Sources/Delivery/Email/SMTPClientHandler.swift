import NIOCore

/// Bytes to write and the replies they will bring, in order.
struct SMTPRequest: Sendable {
    let bytes: ByteBuffer
    let replies: [EventLoopPromise<SMTPReply>]
}

/// Pairs each reply with the oldest request still waiting for one. If the server says nothing
/// for `timeout` while a reply is owed, or the connection drops, every waiting request fails
/// and the connection closes, so no caller waits forever.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    /// `greeting` receives the server's first reply, which comes unasked.
    init(greeting: EventLoopPromise<SMTPReply>, timeout: TimeAmount) {
        waiting.append(greeting)
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) { rearm(context) }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(contentsOf: request.replies)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
        rearm(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let next = waiting.popFirst() else {
            failAll(SMTPError.protocolViolation("a reply nobody asked for: \(reply.summary)"), context: context)
            return
        }
        next.succeed(reply)
        rearm(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        while let promise = waiting.popFirst() { promise.fail(SMTPError.closed) }
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error, context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        while let promise = waiting.popFirst() { promise.fail(error) }
        context.close(promise: nil)
    }

    private func rearm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        guard !waiting.isEmpty else { return }
        let seconds = Int(timeout.nanoseconds / 1_000_000_000)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.failAll(SMTPError.timeout(seconds: seconds), context: bound.value)
        }
    }
}
