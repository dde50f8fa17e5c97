"""The machine's RabbitMQ (127.0.0.1:5672, guest) for the tests of the event feed: queues under
fresh names, deleted afterwards so test runs leave none behind."""

from __future__ import annotations

import asyncio

import aio_pika

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


def delete_queue(name: str, exchange: str | None = None) -> None:
    """Delete the queue `name` (and `exchange`, when the test declared its own)."""

    async def delete() -> None:
        connection = await aio_pika.connect_robust(AMQP_URL)
        try:
            channel = await connection.channel()
            await channel.queue_delete(name)
            if exchange:
                await channel.exchange_delete(exchange)
        finally:
            await connection.close()

    asyncio.run(delete())
