import gzip, struct, json, os
def idx(magic, sizes, data):
    return struct.pack('>I', magic) + b''.join(struct.pack('>I', s) for s in sizes) + data
os.makedirs('bomb', exist_ok=True)
# 1: header promising 1.4M images, zeros (bomb)
with gzip.open('bomb/train-images-idx3-ubyte.gz','wb') as f:
    f.write(idx(0x803,[300000,28,28], b''))
    z=bytes(1<<20)
    for _ in range(235): f.write(z)
with gzip.open('bomb/train-labels-idx1-ubyte.gz','wb') as f:
    f.write(idx(0x801,[300000], bytes(300000)))
# 2: labels up to 200
os.makedirs('labels200', exist_ok=True)
with gzip.open('labels200/x-images-idx3-ubyte.gz','wb') as f: f.write(idx(0x803,[50,28,28], bytes(50*784)))
with gzip.open('labels200/x-labels-idx1-ubyte.gz','wb') as f: f.write(idx(0x801,[50], bytes(range(0,200,4))))
# 3: trailing garbage
os.makedirs('trailing', exist_ok=True)
with gzip.open('trailing/x-images-idx3-ubyte.gz','wb') as f: f.write(idx(0x803,[10,28,28], bytes(10*784)))
with open('trailing/x-labels-idx1-ubyte.gz','wb') as f: f.write(gzip.compress(idx(0x801,[10], bytes([0,1]*5)))+b'garbage')
# 4: tail bomb: small header, huge tail
os.makedirs('tailbomb', exist_ok=True)
with gzip.open('tailbomb/x-images-idx3-ubyte.gz','wb') as f:
    f.write(idx(0x803,[10,28,28], bytes(10*784)))
    z=bytes(1<<20)
    for _ in range(2000): f.write(z)
with gzip.open('tailbomb/x-labels-idx1-ubyte.gz','wb') as f: f.write(idx(0x801,[10], bytes([0,1]*5)))
# 5: test split with class the train split lacks: train labels 0..8, t10k labels include 9
os.makedirs('newclass', exist_ok=True)
with gzip.open('newclass/train-images-idx3-ubyte.gz','wb') as f: f.write(idx(0x803,[90,28,28], bytes(90*784)))
with gzip.open('newclass/train-labels-idx1-ubyte.gz','wb') as f: f.write(idx(0x801,[90], bytes([i%9 for i in range(90)])))
with gzip.open('newclass/t10k-images-idx3-ubyte.gz','wb') as f: f.write(idx(0x803,[20,28,28], bytes(20*784)))
with gzip.open('newclass/t10k-labels-idx1-ubyte.gz','wb') as f: f.write(idx(0x801,[20], bytes([9]*20)))
# safetensors hostile
def st(header, data=b''):
    h=json.dumps(header).encode()
    h+=b' '*((8-len(h)%8)%8)
    return struct.pack('<Q',len(h))+h+data
open('huge-sizes.safetensors','wb').write(st({"__metadata__":{"format":"backprop-mlp","sizes":"2,20000,20000,2","activation":"relu"},
  "0.weight":{"dtype":"F32","shape":[16,2],"data_offsets":[0,128]},"0.bias":{"dtype":"F32","shape":[16],"data_offsets":[128,192]}}, bytes(192)))
open('escape.safetensors','wb').write(st({"__metadata__":{"format":"backprop-mlp","sizes":"2,2","activation":"relu","data":"moons\u001b[2J\u001b]0;pwned\u0007"},
  "0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}, bytes(24)))
hdr={"t%d"%i:{"dtype":"F32","shape":[0],"data_offsets":[0,0]} for i in range(1670000)}
open('many.safetensors','wb').write(st(hdr))
open('badsizes.safetensors','wb').write(st({"__metadata__":{"format":"backprop-mlp","sizes":"2,x,2","activation":"relu"}}))
open('badact.safetensors','wb').write(st({"__metadata__":{"format":"backprop-mlp","sizes":"2,2","activation":"swish\u001b[31m"},
  "0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}, bytes(24)))
open('baddropout.safetensors','wb').write(st({"__metadata__":{"format":"backprop-mlp","sizes":"2,2","activation":"relu","dropout":"nan"},
  "0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}, bytes(24)))
open('notmodel.safetensors','wb').write(st({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}, bytes(4)))
open('garbage.bin','wb').write(os.urandom(5000))
open('empty.safetensors','wb').write(b'')
open('truncated.safetensors','wb').write(st({"0.weight":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}}, bytes(10)))
open('hugeheaderlen.safetensors','wb').write(struct.pack('<Q', 2**62))
