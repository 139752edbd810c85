-- advanceSessionEpoch: raises, never lowers, a live session's credential epoch. KEYS[1] = ap:{sid}:s.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
    return 0
end
if tonumber(ARGV[1]) > tonumber(epoch) then
    redis.call('HSET', KEYS[1], 'epoch', ARGV[1])
end
return 1
