-- recordFailedAttempt: a fixed window from the first failure, judged by the caller's clock (ARGV[1], ms), so the
-- window is kept in the value; the TTL (ARGV[2], the window in ms) only collects it. KEYS[1] = ap:f:<key>.
-- Returns {failures, windowEndsAt}.
local k, now = KEYS[1], tonumber(ARGV[1])
local v = redis.call('HMGET', k, 'n', 'end')
local ends = tonumber(v[2])
if not ends or now >= ends then
    local e = string.format('%.0f', now + tonumber(ARGV[2]))
    redis.call('HSET', k, 'n', 1, 'end', e)
    redis.call('PEXPIRE', k, ARGV[2])
    return {1, e}
end
return {redis.call('HINCRBY', k, 'n', 1), v[2]}
