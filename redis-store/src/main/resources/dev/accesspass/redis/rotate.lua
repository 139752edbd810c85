-- rotate: uses up the session's current refresh token and installs the successor, or reports why not.
-- KEYS[1] = ap:{sid}:s (the session), KEYS[2] = ap:{sid}:u (its used refresh tokens): one hash tag, one slot.
-- ARGV: presented refresh (hex), now, successor access, its expiry, successor refresh, its expiry ('' = never),
-- sealed pair (base64), how many used tokens to remember.
-- Returns {'rejected'}, {'rotated', user, epoch, created, meta, accessExpiresAt, refreshExpiresAt, ttl,
-- ip, ua, m, amr, at, aal, dropped pointers...} or {'used', rotatedAt, sealed, live (1/0), user, epoch, created,
-- meta, ax, rx, ip, ua, m, amr, at, aal}; the six metadata fields (a missing one as '') are the session's as
-- created. A rotation also sets the session's last-used time ('lu') to now; nothing else writes it.
-- Numbers travel as strings ('%.0f'), never as Lua numbers printed with %.14g.
local s, u = KEYS[1], KEYS[2]
local presented, now = ARGV[1], tonumber(ARGV[2])
local f = redis.call('HMGET', s, 'user', 'epoch', 'created', 'ends', 'meta', 'a', 'ax', 'r', 'rx', 'pa', 'pax',
    'ip', 'ua', 'm', 'amr', 'at', 'aal')
if not f[1] then
    return {'rejected'}
end
local ends = tonumber(f[4])
local function fmt(n) return string.format('%.0f', n) end
local function metadata(reply)
    for i = 12, 17 do table.insert(reply, f[i] or '') end
    return reply
end

if f[8] == presented then
    local rx = tonumber(f[9])
    if (rx and now >= rx) or (ends and now >= ends) then
        return {'rejected'}
    end
    local ax = tonumber(ARGV[4])
    if ends and ax > ends then ax = ends end
    local nrx = tonumber(ARGV[6])
    if ends and (not nrx or nrx > ends) then nrx = ends end
    local dropped = {}
    -- The parent's access token stays until it expires (a logout sent with it must still end the session);
    -- the one before it goes now.
    if f[10] then table.insert(dropped, 'a:' .. f[10]) end
    redis.call('HSET', s, 'a', ARGV[3], 'ax', fmt(ax), 'r', ARGV[5], 'rx', nrx and fmt(nrx) or '',
        'pa', f[6], 'pax', f[7], 'lu', ARGV[2])
    local list = {}
    local ring = redis.call('HGET', u, 'ring')
    if ring then
        for h in string.gmatch(ring, '%S+') do table.insert(list, h) end
    end
    -- Only the token just rotated can be answered inside the grace window; an older one is kept for reuse
    -- detection only, without its sealed pair.
    if #list > 0 then redis.call('HDEL', u, 'p:' .. list[#list]) end
    table.insert(list, presented)
    while #list > tonumber(ARGV[8]) do
        local old = table.remove(list, 1)
        redis.call('HDEL', u, old)
        table.insert(dropped, 'r:' .. old)
    end
    redis.call('HSET', u, presented, ARGV[2] .. ' ' .. ARGV[5], 'p:' .. presented, ARGV[7],
        'ring', table.concat(list, ' '))
    local pax = tonumber(f[7])
    local ttl = ''
    if nrx then
        local dead = math.max(ax, nrx, pax)
        ttl = fmt(math.max(dead - now, 1))
        redis.call('PEXPIRE', s, ttl)
        redis.call('PEXPIRE', u, ttl)
    else
        redis.call('PERSIST', s)
        redis.call('PERSIST', u)
    end
    local reply = metadata({'rotated', f[1], f[2], f[3], f[5], fmt(ax), nrx and fmt(nrx) or '', ttl})
    for _, d in ipairs(dropped) do table.insert(reply, d) end
    return reply
end

local used = redis.call('HGET', u, presented)
if not used then
    return {'rejected'}
end
local rotatedAt, successor = string.match(used, '(%S+) (%S+)')
local sealed = redis.call('HGET', u, 'p:' .. presented) or ''
local live = 0
if f[8] == successor then
    local ax, rx = tonumber(f[7]), tonumber(f[9])
    local dead = (ends and now >= ends) or (now >= ax and rx and now >= rx)
    if not dead then live = 1 end
end
return metadata({'used', rotatedAt, sealed, live, f[1], f[2], f[3], f[5], f[7], f[9] or ''})
