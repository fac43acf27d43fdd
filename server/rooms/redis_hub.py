"""Rooms in a Redis server, shared by every process (and machine) started with `--redis`.

Keys, under the prefix `playground:`: `room:CODE` (the room, JSON), `room:CODE:students` and
`room:CODE:cards` (hashes by student id) all expire `idle_seconds` after the room's last
activity, or `orphan_seconds` after its teacher socket closed (`room:CODE:orphan` marks that
countdown, which a teacher's return ends); `rooms` (a sorted set of codes by last activity)
counts the open rooms and `owner:ADDR` (a set of codes) those an address opened (both drop
codes whose room is gone); `joins:ADDR` counts an address's failed joins in the current
window, checked and counted in one step. Channels: `room:CODE:events` and
`room:CODE:frames:STUDENT` (see hub.py). The checks that must not race between processes (room
and student limits, a card for a student that just left) run as Lua scripts, atomically.

A Redis server that stops answering (a restart, a failover, a reboot of its machine) hangs
nothing: every command gives up within a few seconds (CONNECT_SECONDS, COMMAND_SECONDS, a
couple of quick retries), and a subscription that hears nothing, not even the answer to its
ping, for SILENT_SECONDS drops its connection and raises, to subscribe again on its next get.
A restarted Redis comes back empty (rooms keep no persistence): the members put their room
back (see member.py).
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal, cast

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from server.rooms.hub import Added, Created, Hub, Subscription
from server.rooms.room import Room, Student

PREFIX = "playground:"
CONNECT_SECONDS = 2.0
"""A connection to the Redis server is given up after this long (a machine that rebooted
answers nothing at all)."""
COMMAND_SECONDS = 3.0
"""A command's reply is given up after this long (a frozen server: not tried again)."""
RETRIES = 2
"""Quick retries of a command whose connection failed (a failover's switch takes a moment)."""
SILENT_SECONDS = 30.0
"""A subscription that hears nothing for this long (it pings after a third of it) has lost
its connection."""

_CREATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]) / 1000)
for _, code in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[6] .. code) == 0 then redis.call('ZREM', KEYS[1], code) end
end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'taken' end
for _, code in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[6] .. code) == 0 then redis.call('SREM', KEYS[3], code) end
end
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[5]) then return 'client_limit' end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'limit' end
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
return 'created'
"""
_TOUCH = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[5])
elseif redis.call('EXISTS', KEYS[5]) == 1 then
  return 1
end
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) + tonumber(t[2]) / 1e6, ARGV[2])
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1
"""
_TEACHER_LEFT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[4], '1', 'PX', ARGV[1])
for i = 1, 3 do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl == -1 or ttl > tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 1
"""
_ROOM_FOR_JOIN = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return {'blocked'} end
local room = redis.call('GET', KEYS[2])
if room then return {'room', room} end
n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {'none'}
"""
_SAVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
_ADD_STUDENT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'added' end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 'added'
"""
_SET_HIDDEN = """
local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s then return 0 end
local d = cjson.decode(s)
d['hidden'] = ARGV[2] == '1'
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(d))
return 1
"""
_PUT_CARD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 1
"""
_JOIN_FAILED = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def _room(code: str) -> str:
    return f"{PREFIX}room:{code}"


def _students(code: str) -> str:
    return f"{PREFIX}room:{code}:students"


def _cards(code: str) -> str:
    return f"{PREFIX}room:{code}:cards"


def _joins(address: str) -> str:
    return f"{PREFIX}joins:{address}"


def _orphan(code: str) -> str:
    return f"{PREFIX}room:{code}:orphan"


def _owner(address: str) -> str:
    return f"{PREFIX}owner:{address}"


ROOMS = PREFIX + "rooms"


class _PubSub(Subscription):
    def __init__(self, pubsub: PubSub) -> None:
        self.pubsub = pubsub
        self.closed = False
        self.heard = self.pinged = time.monotonic()

    async def get(self) -> bytes:
        """The next message; raises when the connection is lost (redis-py connects again,
        and subscribes again, on the next call)."""
        while True:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True,
                                                    timeout=1.0)
            now = time.monotonic()
            if message is not None:
                self.heard = now
                if message.get("type") == "message":
                    return cast(bytes, message["data"])
            elif now - self.heard > SILENT_SECONDS:
                self.heard = now
                connection = self.pubsub.connection
                if connection is not None:
                    await connection.disconnect()
                raise RedisConnectionError(f"no answer from Redis for {SILENT_SECONDS:g} s")
            elif now - max(self.heard, self.pinged) > SILENT_SECONDS / 3:
                self.pinged = now
                await self.pubsub.ping()

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            # redis-py types aclose() from 6.x on; before, mypy calls it untyped. The second
            # code keeps either version's check clean (no unused-ignore warning).
            await self.pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]


class RedisHub(Hub):
    kind = "redis"
    errors = (RedisError, OSError)

    def __init__(self, url: str, idle_seconds: float, orphan_seconds: float | None = None
                 ) -> None:
        super().__init__(idle_seconds, orphan_seconds)
        self.url = url
        self.client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_SECONDS, socket_timeout=COMMAND_SECONDS,
            retry=Retry(ExponentialWithJitterBackoff(cap=0.5, base=0.05), RETRIES,
                        supported_errors=(RedisConnectionError,)))
        self._scripts = {name: self.client.register_script(text) for name, text in (
            ("create", _CREATE), ("touch", _TOUCH), ("save", _SAVE),
            ("add_student", _ADD_STUDENT), ("set_hidden", _SET_HIDDEN),
            ("put_card", _PUT_CARD), ("join_failed", _JOIN_FAILED),
            ("teacher_left", _TEACHER_LEFT), ("room_for_join", _ROOM_FOR_JOIN))}

    @property
    def _idle_ms(self) -> int:
        return max(1, int(self.idle_seconds * 1000))

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        result = await self._scripts[name](keys=keys, args=args)
        return result.decode() if isinstance(result, bytes) else result

    async def start(self) -> None:
        """Fail fast, and say why, when the Redis server does not answer (the URL may hold a
        password: only its host and port are named)."""
        try:
            await self.client.ping()
        except self.errors as error:
            where = self.client.connection_pool.connection_kwargs
            raise RuntimeError(f"--redis: no Redis server answers at {where.get('host')}:"
                               f"{where.get('port')} ({error})") from None

    async def stop(self) -> None:
        await self.client.aclose()

    async def create(self, room: Room, max_rooms: int, owner: str = "",
                     max_per_owner: int | None = None) -> Created:
        # The script reads each listed room's key (PREFIX room:CODE) to drop closed ones.
        return cast(Created, await self._run(
            "create", [ROOMS, _room(room.code), _owner(owner)],
            [self._idle_ms, max_rooms, room.code, room.to_json(),
             max_rooms if max_per_owner is None else max_per_owner, _room("")]))

    async def get(self, code: str) -> Room | None:
        text = await self.client.get(_room(code))
        return None if text is None else Room.from_json(text)

    async def save(self, room: Room) -> None:
        await self._run("save", [_room(room.code)], [room.to_json(), self._idle_ms])
        await self.touch(room.code)

    async def touch(self, code: str, teacher: bool = True) -> None:
        await self._run("touch", [ROOMS, _room(code), _students(code), _cards(code),
                                  _orphan(code)], [self._idle_ms, code, "1" if teacher else "0"])

    async def teacher_left(self, code: str) -> None:
        await self._run("teacher_left", [_room(code), _students(code), _cards(code),
                                         _orphan(code)],
                        [max(1, int(self.orphan_seconds * 1000))])

    async def delete(self, code: str) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(_room(code), _students(code), _cards(code), _orphan(code))
            pipe.zrem(ROOMS, code)
            await pipe.execute()

    async def add_student(self, code: str, student: Student, max_students: int) -> Added:
        return cast(Added, await self._run(
            "add_student", [_room(code), _students(code)],
            [student.id, student.to_json(), max_students, self._idle_ms]))

    async def remove_student(self, code: str, student: str) -> Student | None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hget(_students(code), student)
            pipe.hdel(_students(code), student)
            pipe.hdel(_cards(code), student)
            text, _, _ = await pipe.execute()
        return None if text is None else Student.from_json(text)

    async def set_hidden(self, code: str, student: str, hidden: bool) -> bool:
        return bool(await self._run("set_hidden", [_students(code)],
                                    [student, "1" if hidden else "0"]))

    async def students(self, code: str) -> list[Student]:
        found = await self.client.hgetall(_students(code))
        return sorted((Student.from_json(text) for text in found.values()),
                      key=lambda s: s.joined)

    async def put_card(self, code: str, student: str, card: dict[str, Any]) -> bool:
        return bool(await self._run("put_card", [_room(code), _cards(code), _students(code)],
                                    [student, json.dumps(card), self._idle_ms]))

    async def cards(self, code: str) -> dict[str, dict[str, Any]]:
        found = await self.client.hgetall(_cards(code))
        return {key.decode() if isinstance(key, bytes) else key: json.loads(text)
                for key, text in found.items()}

    async def publish(self, channel: str, message: bytes) -> None:
        await self.client.publish(PREFIX + channel, message)

    async def subscribe(self, channel: str) -> Subscription:
        pubsub = self.client.pubsub()
        await pubsub.subscribe(PREFIX + channel)
        return _PubSub(pubsub)

    async def room_for_join(self, address: str, code: str, attempts: int, window: float
                            ) -> Room | None | Literal["blocked"]:
        found = await self._scripts["room_for_join"](
            keys=[_joins(address), _room(code)], args=[attempts, max(1, int(window * 1000))])
        kind = found[0].decode() if isinstance(found[0], bytes) else found[0]
        if kind == "blocked":
            return "blocked"
        return Room.from_json(found[1]) if kind == "room" else None

    async def joins_blocked(self, address: str, attempts: int, window: float) -> bool:
        count = await self.client.get(_joins(address))
        return count is not None and int(count) >= attempts

    async def join_failed(self, address: str, window: float) -> None:
        await self._run("join_failed", [_joins(address)], [max(1, int(window * 1000))])
