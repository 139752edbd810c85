-- releaseAttempt: takes back one counted failure in the current window, never below zero; a window that has ended
-- (by the caller's clock, ARGV[1] in ms) stays ended and is not touched. KEYS[1] = ap:f:<key>.
-- Returns {failures after the release, windowEndsAt} or {0, ''} (no window at now).
local k, now = KEYS[1], tonumber(ARGV[1])
local v = redis.call('HMGET', k, 'n', 'end')
local ends = tonumber(v[2])
if not ends or now >= ends then
    return {0, ''}
end
local n = tonumber(v[1]) or 0
if n > 0 then
    n = redis.call('HINCRBY', k, 'n', -1)
end
return {n, v[2]}
